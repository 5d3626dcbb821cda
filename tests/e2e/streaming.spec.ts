import { type ChildProcess, spawn } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
import { type FakeLlm, startFakeLlm } from "../support/fake-llm";
import { BOT_TOKEN, roomMessages, uniqueRoom } from "./support/api";
import { type ChatPage, openChat } from "./support/chat-page";
import { ECHO } from "./support/env";

const ANN = { username: "Ann", color: "255180120" };
const BEN = { username: "Ben", color: "120180255" };
/** 200 short tokens (about 900 characters, under the 1000-character limit), streamed at 30 a second. */
const REPLY = Array.from({ length: 200 }, (_, i) => `t${i}`).join(" ");

/**
 * Records in the page, every animation frame from the first draft on: how long the draft text is,
 * and how many rows (draft rows + stored reply rows) show the reply. One row at every frame means
 * the swap from draft to stored message neither flickers (0) nor doubles (2).
 */
async function watchReply(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { draftLengths: number[]; rowCounts: number[] };
    w.draftLengths = [];
    w.rowCounts = [];
    const frame = () => {
      const drafts = [...document.querySelectorAll("[data-testid=draft-row]")];
      const replies = [...document.querySelectorAll("li[data-id]")].filter((li) =>
        li.textContent?.includes("t0 t1 t2"),
      );
      const rows = drafts.length + replies.length;
      if (rows > 0 || w.rowCounts.length > 0) w.rowCounts.push(rows);
      const length = drafts[0]?.textContent?.length ?? 0;
      if (length && length !== w.draftLengths.at(-1)) w.draftLengths.push(length);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
}

const recorded = (chat: ChatPage) =>
  chat.page.evaluate(() => {
    const w = window as unknown as { draftLengths: number[]; rowCounts: number[] };
    return { draftLengths: w.draftLengths, rowCounts: w.rowCounts };
  });

let fake: FakeLlm | undefined;
let bot: ChildProcess | undefined;
test.afterEach(async () => {
  bot?.kill("SIGINT");
  await fake?.close();
});

test("must-show 1: a reply streamed by the real bot grows in two browsers and ends as exactly one stored message", async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const room = uniqueRoom("stream");
  // This test's own streaming LLM and bot, serving only its room: the suite's shared ones stay as they are.
  fake = await startFakeLlm({ streamTokensPerSecond: 30, reply: REPLY });
  bot = spawn(
    process.execPath,
    [
      "bot/cli.ts",
      ...["--api", baseURL!, "--token", BOT_TOKEN, "--llm", fake.url, "--no-demo"],
      ...["--entities", "tests/e2e/entities.json", "--room", room, "--poll-wait-seconds", "5"],
    ],
    { stdio: "ignore" },
  );

  const hash = `#entity=${ECHO.id}`;
  const context = () => browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const a = await openChat(await (await context()).newPage(), { room, hash, identity: ANN });
  const b = await openChat(await (await context()).newPage(), { room, hash, identity: BEN });
  for (const chat of [a, b]) {
    await expect(chat.page.locator("[data-connection]")).toHaveAttribute("data-connection", "live", {
      timeout: 10_000,
    });
    await expect(chat.page.getByText(`to ${ECHO.id} · online`)).toBeVisible({ timeout: 15_000 });
    await watchReply(chat.page);
  }

  await a.send("please stream a long answer");
  for (const chat of [a, b]) {
    const draft = chat.page.getByTestId("draft-row");
    await expect(draft).toBeVisible({ timeout: 10_000 });
    await expect(draft).toContainText(`${ECHO.username}:`);
    await expect(draft).toContainText("typing");
  }
  // Both grow in place while the model is still generating.
  await expect.poll(async () => (await recorded(b)).draftLengths.length, { timeout: 10_000 }).toBeGreaterThan(5);
  // Exports are of stored messages: while the draft shows, they have the question and nothing of the draft.
  for (const name of ["Copy ALL", "Copy ALL - verbose"]) {
    await b.exportItem(name);
    await expect.poll(() => b.page.evaluate(() => navigator.clipboard.readText())).toContain("please stream");
    expect(await b.page.evaluate(() => navigator.clipboard.readText())).not.toContain("t0 t1");
    await b.page.keyboard.press("Escape");
  }
  await expect(b.page.getByTestId("draft-row")).toBeVisible();

  for (const chat of [a, b]) {
    await expect(chat.item(REPLY)).toHaveCount(1, { timeout: 20_000 });
    await expect(chat.page.getByTestId("draft-row")).toHaveCount(0);
  }
  await a.page.waitForTimeout(500);
  for (const [name, chat] of [
    ["Ann", a],
    ["Ben", b],
  ] as const) {
    const { draftLengths, rowCounts } = await recorded(chat);
    console.log(
      `must-show 1 (${name}): the draft grew through ${draftLengths.length} lengths (${draftLengths[0]} → ${draftLengths.at(-1)} characters); ${rowCounts.length} frames, rows per frame ${[...new Set(rowCounts)].join("/")}`,
    );
    for (let i = 1; i < draftLengths.length; i++) expect(draftLengths[i]!).toBeGreaterThan(draftLengths[i - 1]!);
    expect(draftLengths.length).toBeGreaterThan(10);
    // Exactly one row for the reply at every frame: no flicker, no second row.
    expect(new Set(rowCounts)).toEqual(new Set([1]));
  }

  const stored = await roomMessages(request, room);
  const question = stored.find((m) => m.text === "please stream a long answer");
  const replies = stored.filter((m) => m["message-type"] === "AI");
  expect(replies.map((m) => [m.replyTo, m.username, m.text])).toEqual([[question?.id, ECHO.username, REPLY]]);
});
