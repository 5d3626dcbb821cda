import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import type { Message } from "../../types";
import { postHuman, postReply, uniqueRoom } from "./support/api";
import { type ChatPage, openChat } from "./support/chat-page";

// Local time differs from UTC here (+05:30), so the tests tell Copy ALL's local times from UTC.
test.use({ timezoneId: "Asia/Kolkata", permissions: ["clipboard-read", "clipboard-write"] });

const ALICE = { username: "Alice", color: "200100050" };
const BOB = { username: "Bob", color: "100200050" };
const ME = { username: "Me", color: "050100200" };
const SCRIBE = { username: "Scribe", color: "255200100" };
const RULE = "=".repeat(50);
const EXPORTED_AT = new Date("2026-11-21T10:20:30Z");

/** Independent of the app's formatter on purpose: the test states the format itself. */
const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
function local(ms: number) {
  const ist = new Date(ms + 5.5 * 3_600_000).toISOString();
  return `${ist.slice(0, 10)} ${ist.slice(11, 19)}`;
}

interface Seeded {
  room: string;
  human: Message;
  asked: Message;
  reply: Message;
  hiddenText: string;
}

async function seed(request: Parameters<typeof postHuman>[0]): Promise<Seeded> {
  const room = uniqueRoom("export");
  const human = await postHuman(request, room, {
    ...ALICE,
    text: 'Hi "all" 👋 it\'s <b>not html</b> & fine\nsecond line',
  });
  const hiddenText = "bob is outside the filter";
  await postHuman(request, room, { ...BOB, text: hiddenText });
  const asked = await postHuman(request, room, {
    ...ME,
    text: "scribe, write this down",
    botParams: { entity: "scribe", priority: 5, ais: "Scribe:255200100" },
  });
  const reply = await postReply(request, room, asked.id, { ...SCRIBE, text: "Written: “write this down” ✍️" });
  const stored = await request.get(`/api/comments/status?room=${room}&ids=${asked.id}`);
  const [answered] = ((await stored.json()) as { comments: Message[] }).comments;
  return { room, human, asked: answered!, reply, hiddenText };
}

async function openFiltered(page: Parameters<typeof openChat>[0], s: Seeded): Promise<ChatPage> {
  const chat = await openChat(page, {
    room: s.room,
    hash: "#u=Alice:200100050&filteractive=true&uis=Me:050100200",
    identity: ME,
  });
  await expect(chat.item("scribe, write this down")).toHaveCount(1);
  await expect(chat.item(s.reply.text)).toHaveCount(1);
  await expect(chat.item(s.hiddenText)).toHaveCount(0);
  await page.clock.setFixedTime(EXPORTED_AT);
  return chat;
}

const clipboard = (chat: ChatPage) => chat.page.evaluate(() => navigator.clipboard.readText());

test("must-show 3: Copy ALL - verbose of a filtered view is exactly the FEATURES X2 layout", async ({
  page,
  request,
}) => {
  const s = await seed(request);
  const chat = await openFiltered(page, s);
  await chat.exportItem("Copy ALL - verbose");
  await expect(page.getByRole("status").filter({ hasText: "Copied 3 messages (verbose)" })).toBeVisible();

  const expected = [
    RULE,
    "SAY WHAT WANT - DEBUG EXPORT",
    `URL: ${page.url()}`,
    "Exported: 2026-11-21 10:20:30 UTC",
    "Total Messages: 3",
    RULE,
    "",
    `Alice [${s.human.id}]`,
    `  Time: ${utc(s.human.timestamp)}`,
    "  Color: 200100050",
    `  Text: Hi "all" 👋 it's <b>not html</b> & fine`,
    "        second line", // continuation lines are indented, so a text cannot forge an entry
    "",
    `Me [${s.asked.id}]`,
    `  Time: ${utc(s.asked.timestamp)}`,
    "  Color: 050100200",
    "  Entity: scribe",
    "  Status: complete",
    "  Priority: 5",
    "  AIS: Scribe:255200100",
    "  Text: scribe, write this down",
    "",
    `Scribe [${s.reply.id}]`,
    `  Time: ${utc(s.reply.timestamp)}`,
    "  Color: 255200100",
    `  ReplyTo: ${s.asked.id}`,
    "  Text: Written: “write this down” ✍️",
    "",
    RULE,
    "",
  ].join("\n");
  const copied = await clipboard(chat);
  console.log(`must-show 3: clipboard after "Copy ALL - verbose":\n${copied}`);
  expect(copied).toBe(expected);
});

test("Copy ALL, Save ALL, Copy conversation link, Download JSON and Download Markdown export exactly the view", async ({
  page,
  request,
}) => {
  const s = await seed(request);
  const chat = await openFiltered(page, s);

  const copyAll = [
    "Say What Want - Say What Want",
    "Exported: 2026-11-21 15:50:30",
    "Total Messages: 3",
    RULE,
    "",
    `Alice (${local(s.human.timestamp)}):`,
    `Hi "all" 👋 it's <b>not html</b> & fine`,
    "second line",
    "",
    `Me (${local(s.asked.timestamp)}):`,
    "scribe, write this down",
    "",
    `Scribe (${local(s.reply.timestamp)}):`,
    "Written: “write this down” ✍️",
    "",
  ].join("\n");
  await chat.exportItem("Copy ALL");
  await expect.poll(() => clipboard(chat)).toBe(copyAll);

  const saved = page.waitForEvent("download");
  await chat.exportItem("Save ALL");
  const download = await saved;
  expect(download.suggestedFilename()).toBe("saywhatwant_Say-What-Want_20261121-102030Z.txt");
  expect(await readFile(await download.path(), "utf8")).toBe(copyAll);

  await chat.exportItem("Copy conversation link");
  await expect.poll(() => clipboard(chat)).toBe(page.url());
  expect(page.url()).toContain("#u=Alice:200100050&filteractive=true");

  const json = page.waitForEvent("download");
  await chat.exportItem("Download JSON");
  const jsonFile = await json;
  expect(jsonFile.suggestedFilename()).toBe("saywhatwant_Say-What-Want_20261121-102030Z.json");
  const exported = JSON.parse(await readFile(await jsonFile.path(), "utf8")) as Message[];
  expect(exported).toEqual([s.human, s.asked, s.reply]);

  const md = page.waitForEvent("download");
  await chat.exportItem("Download Markdown");
  const mdFile = await md;
  expect(mdFile.suggestedFilename()).toBe("saywhatwant_Say-What-Want_20261121-102030Z.md");
  expect(await readFile(await mdFile.path(), "utf8")).toBe(
    [
      "# Say What Want - Say What Want",
      "",
      "Exported: 2026-11-21 10:20:30 UTC  ",
      `Conversation: <${page.url()}>  `,
      "Total Messages: 3",
      "",
      `**Alice** · ${utc(s.human.timestamp)}`,
      "",
      `> Hi "all" 👋 it's \\<b\\>not html\\</b\\> \\& fine`,
      "> second line",
      "",
      `**Me** · ${utc(s.asked.timestamp)}`,
      "",
      "> scribe, write this down",
      "",
      `**Scribe** · ${utc(s.reply.timestamp)} ↩ ${s.asked.id.replace(/_/g, "\\_")}`,
      "",
      "> Written: “write this down” ✍️",
      "",
    ].join("\n"),
  );
});

test("an empty view has nothing to export, and says so instead of writing an empty file", async ({ page, request }) => {
  const s = await seed(request);
  const viewer = { username: "Viewer", color: "010200100" };
  const chat = await openChat(page, { room: s.room, hash: "#u=Nobody:001002003", identity: viewer });
  await page.evaluate(() => navigator.clipboard.writeText("untouched"));
  await chat.titleMenuButton.click();
  await expect(page.getByRole("menu").getByText("Nothing to export in this view")).toBeVisible();
  for (const name of ["Copy ALL", "Copy ALL - verbose", "Save ALL", "Download JSON", "Download Markdown"]) {
    await expect(page.getByRole("menuitem", { name, exact: true })).toHaveAttribute("aria-disabled", "true");
  }
  await expect(page.getByRole("menuitem", { name: "Copy conversation link" })).not.toHaveAttribute("aria-disabled");
  await page.keyboard.press("Escape");
  expect(await clipboard(chat)).toBe("untouched");
});

test("the title's right-click menu offers the same exports", async ({ page, request }) => {
  const s = await seed(request);
  const chat = await openFiltered(page, s);
  await page.getByRole("heading", { name: "Say What Want" }).click({ button: "right" });
  const menu = page.getByRole("menu");
  for (const name of [
    "Copy ALL",
    "Copy ALL - verbose",
    "Save ALL",
    "Copy conversation link",
    "Download JSON",
    "Download Markdown",
  ]) {
    await expect(menu.getByRole("menuitem", { name, exact: true })).toBeVisible();
  }
  await menu.getByRole("menuitem", { name: "Copy conversation link" }).click();
  await expect.poll(() => clipboard(chat)).toBe(page.url());
});
