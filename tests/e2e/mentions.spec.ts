import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import type { Message } from "../../types";
import { postHuman, roomMessages, uniqueId, uniqueRoom } from "./support/api";
import { type ChatPage, openChat } from "./support/chat-page";
import { BOT_ROOM, ECHO, WREN } from "./support/env";

/**
 * E7-E9, entities as participants, from the page: `@` autocomplete in the composer, mentions
 * addressing several entities, what an entity read, and the monitor's scene limits.
 */
const ADMIN_TOKEN = "dev-admin-token";
const ME = { username: "Mentioner", color: "230180120" };

async function openBotRoom(page: Page): Promise<ChatPage> {
  const chat = await openChat(page, { room: BOT_ROOM, identity: ME });
  return chat;
}

const mentionList = (page: Page) => page.getByRole("listbox", { name: "Entities to mention" });

test("typing @ lists the served entities online first; keyboard alone chooses, Esc closes without changing the text (E7)", async ({
  page,
}) => {
  const chat = await openBotRoom(page);
  await chat.messageBox.click();
  await page.keyboard.type("@");
  const list = mentionList(page);
  // The e2e bot serves both entities in its room: both are offered, online, in their order.
  await expect(list.getByRole("option")).toHaveText([/Echo.*online/, /Wren.*online/], { timeout: 15_000 });
  await expect(chat.messageBox).toHaveAttribute("aria-autocomplete", "list");
  await expect(chat.messageBox).toHaveAttribute("aria-controls", (await list.getAttribute("id")) ?? "");
  await expect(chat.messageBox).not.toHaveAttribute("aria-activedescendant", /.+/);

  await page.keyboard.press("ArrowDown");
  const echo = list.getByRole("option", { name: /Echo/ });
  await expect(echo).toHaveAttribute("aria-selected", "true");
  await expect(chat.messageBox).toHaveAttribute("aria-activedescendant", (await echo.getAttribute("id")) ?? "");
  await page.keyboard.press("ArrowDown");
  await expect(list.getByRole("option", { name: /Wren/ })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await expect(chat.messageBox).toHaveValue(`@${ECHO.username} `);
  await expect(list).toBeHidden();
  await expect(chat.messageBox).not.toHaveAttribute("aria-controls", /.+/);

  // Typing filters; Tab chooses too.
  await page.keyboard.type("@w");
  await expect(list.getByRole("option")).toHaveText([/Wren/]);
  await page.keyboard.press("Tab");
  await expect(chat.messageBox).toHaveValue(`@${ECHO.username} @${WREN.username} `);
  await expect(chat.messageBox).toBeFocused();

  // Esc closes the list and leaves the text as typed.
  await page.keyboard.type("@e");
  await expect(list).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(list).toBeHidden();
  await expect(chat.messageBox).toHaveValue(`@${ECHO.username} @${WREN.username} @e`);
});

test("the open mention list has no serious or critical accessibility violations", async ({ page }) => {
  const chat = await openBotRoom(page);
  await chat.messageBox.click();
  await page.keyboard.type("@");
  await expect(mentionList(page).getByRole("option")).toHaveCount(2, { timeout: 15_000 });
  await page.keyboard.press("ArrowDown");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  expect(serious).toEqual([]);
  // ARIA's own rules for the message box and its list, at any impact (Lighthouse audits these).
  const aria = await new AxeBuilder({ page }).withRules(["aria-allowed-role", "aria-allowed-attr"]).analyze();
  expect(aria.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) }))).toEqual([]);
});

test("with no entity to offer, @ opens nothing and Enter still sends (E7, C4)", async ({ page, request }) => {
  const room = uniqueRoom("mention-none");
  const chat = await openChat(page, { room, identity: ME });
  await chat.messageBox.click();
  await page.keyboard.type("@nobody hi");
  await expect(chat.messageBox).not.toHaveAttribute("aria-controls", /.+/);
  await page.keyboard.press("Enter");
  await expect(chat.item("@nobody hi")).toBeVisible();
  await expect.poll(async () => (await roomMessages(request, room)).map((m) => m.text)).toEqual(["@nobody hi"]);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 700 }, isMobile: true, hasTouch: true });

  test("the list opens above the composer within the screen, with rows big enough to tap; a tap chooses (E7)", async ({
    page,
  }) => {
    const chat = await openBotRoom(page);
    await chat.messageBox.tap();
    await page.keyboard.type("@");
    const list = mentionList(page);
    const wren = list.getByRole("option", { name: /Wren/ });
    await expect(wren).toBeVisible({ timeout: 15_000 });
    const listBox = await list.boundingBox();
    const inputBox = await chat.messageBox.boundingBox();
    const optionBox = await wren.boundingBox();
    expect(listBox && inputBox && optionBox).toBeTruthy();
    if (!listBox || !inputBox || !optionBox) return;
    expect(listBox.y).toBeGreaterThanOrEqual(0);
    expect(listBox.y + listBox.height).toBeLessThanOrEqual(inputBox.y);
    expect(listBox.x).toBeGreaterThanOrEqual(0);
    expect(listBox.x + listBox.width).toBeLessThanOrEqual(390);
    expect(optionBox.height).toBeGreaterThanOrEqual(44);
    await wren.tap();
    await expect(chat.messageBox).toHaveValue(`@${WREN.username} `);
    await expect(chat.messageBox).toBeFocused();
  });
});

test("a seq filter in the hash shows exactly those messages, as a chip that clears like the others (E9)", async ({
  page,
  request,
}) => {
  const room = uniqueRoom("seq-filter");
  const seeded: Message[] = [];
  for (const text of ["one", "two", "three", "four", "five"]) {
    seeded.push(await postHuman(request, room, { username: "Seeder", color: "200200120", text }));
  }
  const [, two, three, , five] = seeded.map((m) => m.seq);
  const chat = await openChat(page, { room, identity: ME, hash: `#seq=${five}+${two}-${three}` });
  await expect(chat.items()).toHaveText([/two/, /three/, /five/]);
  const chip = page.getByRole("list", { name: "Filters" }).getByRole("listitem");
  await expect(chip).toHaveText(`#${two}–#${three}, #${five}`);
  await page.getByRole("button", { name: `Remove filter #${two}–#${three}, #${five}` }).click();
  await expect(chat.items()).toHaveCount(5);
  expect(new URL(page.url()).hash).not.toContain("seq=");
});

test(`@Echo @Wren hello gets exactly one reply from each, both linked to it, each shown in its entity's state (E7)`, async ({
  page,
  request,
}) => {
  const chat = await openBotRoom(page);
  const marker = uniqueId("both");
  await chat.messageBox.click();
  await page.keyboard.type("@ec");
  await expect(mentionList(page).getByRole("option")).toHaveText([/Echo/], { timeout: 15_000 });
  await page.keyboard.press("Enter");
  await page.keyboard.type("@wr");
  await expect(mentionList(page).getByRole("option")).toHaveText([/Wren/]);
  await page.keyboard.press("Tab");
  await page.keyboard.type(`hello ${marker}`);
  await expect(chat.messageBox).toHaveValue(`@Echo @Wren hello ${marker}`);
  await page.keyboard.press("Enter");

  const asked = async () => (await roomMessages(request, BOT_ROOM)).find((m) => m.text.endsWith(`hello ${marker}`));
  await expect.poll(async () => (await asked())?.jobs?.map((j) => j.entity).sort()).toEqual([ECHO.id, WREN.id]);
  const question = await asked();
  if (!question) throw new Error("the message was not stored");
  expect(question.mentions?.map((m) => [m.entity, m.addressed])).toEqual([
    [ECHO.id, true],
    [WREN.id, true],
  ]);

  const repliesTo = async () =>
    (await roomMessages(request, BOT_ROOM))
      .filter((m) => m["message-type"] === "AI" && m.replyTo === question.id)
      .map((m) => m.username)
      .sort();
  await expect.poll(repliesTo, { timeout: 20_000 }).toEqual([ECHO.username, WREN.username]);

  // On the page: the mentions in their entity's color, and one state per entity, both answered.
  const row = chat.item(`hello ${marker}`).first();
  await expect(row.locator(`[data-mention="${ECHO.id}"][data-addressed="true"]`)).toHaveText("@Echo");
  await expect(row.locator(`[data-mention="${WREN.id}"][data-addressed="true"]`)).toHaveText("@Wren");
  await expect(row.locator(`[data-job="${ECHO.id}"]`)).toHaveAttribute("data-job-state", "answered", {
    timeout: 10_000,
  });
  await expect(row.locator(`[data-job="${WREN.id}"]`)).toHaveAttribute("data-job-state", "answered");
  // Still exactly one each once every turn has settled (a scene continues on replies, not on this message).
  await page.waitForTimeout(1_500);
  expect(await repliesTo()).toEqual([ECHO.username, WREN.username]);
});

test(`an AI reply's menu says what its entity read, and choosing it shows exactly those messages (E9)`, async ({
  page,
  request,
}) => {
  const marker = uniqueId("read");
  await postHuman(request, BOT_ROOM, { ...ME, text: `context before ${marker}` });
  const question = await postHuman(request, BOT_ROOM, {
    ...ME,
    text: `what did you read ${marker}`,
    botParams: { entity: ECHO.id },
  });
  let reply: Message | undefined;
  await expect
    .poll(
      async () => {
        reply = (await roomMessages(request, BOT_ROOM)).find((m) => m.replyTo === question.id);
        return reply?.read?.count;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThan(0);
  if (!reply?.read) throw new Error("no read record");
  const read = reply.read;
  const readSeqs = new Set(
    read.seqs ?? Array.from({ length: (read.last ?? 0) - (read.first ?? 0) + 1 }, (_, i) => (read.first ?? 0) + i),
  );

  const chat = await openBotRoom(page);
  const row = chat.list.locator(`[data-id="${reply.id}"]`);
  await row.getByRole("button", { name: `${ECHO.username}:` }).click({ button: "right" });
  const item = page.getByRole("menuitem", { name: new RegExp(`^${ECHO.username} read ${read.count} messages?`) });
  await expect(item).toBeVisible();
  await item.click();
  await expect(page).toHaveURL(/#.*seq=/);
  const bySeq = new Map((await roomMessages(request, BOT_ROOM)).map((m) => [m.id, m.seq]));
  await expect
    .poll(async () => {
      const ids = await chat.renderedIds();
      return ids.length > 0 && ids.every((id) => readSeqs.has(bySeq.get(id) ?? -1));
    })
    .toBe(true);
  // The reply itself was written after its reading: it is not among what it read.
  await expect(chat.list.locator(`[data-id="${reply.id}"]`)).toHaveCount(readSeqs.has(reply.seq) ? 1 : 0);
  await expect(page.getByRole("list", { name: "Filters" }).getByRole("listitem")).toHaveText(/^#\d+/);
});

test("the monitor's scene form checks the numbers before sending and stores them (E8)", async ({ page, request }) => {
  const room = uniqueRoom("scene");
  await page.goto(`/monitor?room=${room}`);
  await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  const panel = page.getByRole("region", { name: "Scenes" });
  const turns = panel.getByLabel("Turn budget");
  const cap = panel.getByLabel("Hourly cap");
  await expect(turns).toBeVisible({ timeout: 10_000 });
  // The room's defaults, loaded from the server, before anything is typed.
  await expect(turns).toHaveValue("4");
  await turns.fill("25");
  await cap.fill("60");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel.getByRole("alert")).toHaveText("Turn budget must be a whole number from 0 (scenes off) to 20.");
  // A refused value stays in the box for the person to correct (no lost input).
  await expect(turns).toHaveValue("25");
  await turns.fill("2");
  await cap.fill("30");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect(panel.getByRole("status")).toHaveText("Saved");
  const stored = await request.get(`/api/admin/scene?room=${room}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  expect(await stored.json()).toEqual({ turnBudget: 2, hourlyCap: 30 });
  await page.reload();
  await page.getByLabel("Admin token", { exact: true }).fill(ADMIN_TOKEN);
  await expect(page.getByRole("region", { name: "Scenes" }).getByLabel("Turn budget")).toHaveValue("2");
});
