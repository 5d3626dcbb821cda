import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { expect, type Page, test } from "@playwright/test";
import { type FakeLlm, startFakeLlm, THOUGHT_MARK } from "../support/fake-llm";
import { BOT_TOKEN, roomMessages, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";

const ANN = { username: "Ann", color: "255180120" };
const BEN = { username: "Ben", color: "120180255" };
/** A model that thinks inline (`<think>…</think>` in its content): the fake LLM picks that from the model name. */
const THINKER = { id: "e2e-thinker", username: "Thinker", color: "200150230", model: "fake-think-inline" };
/** 16 tokens: under a second at 20 a second, long enough to watch the draft grow. */
const ANSWER = "clouds are tiny water drops and ice crystals floating high in the cold air above us";

/**
 * Records in the page, every animation frame: whether any of the chain of thought (or its tags)
 * is on screen, and the phases the draft row went through.
 */
async function watchDraft(page: Page): Promise<void> {
  await page.evaluate((mark) => {
    const w = window as unknown as { leaks: string[]; phases: string[]; lengths: number[] };
    w.leaks = [];
    w.phases = [];
    w.lengths = [];
    const frame = () => {
      const text = document.body.innerText;
      if (text.includes(mark) || text.includes("think>")) w.leaks.push(text.slice(0, 300));
      const draft = document.querySelector("[data-testid=draft-row]");
      const phase = draft?.getAttribute("data-phase");
      if (phase && phase !== w.phases.at(-1)) w.phases.push(phase);
      const length = phase === "writing" ? (draft?.textContent?.length ?? 0) : 0;
      if (length && length !== w.lengths.at(-1)) w.lengths.push(length);
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }, THOUGHT_MARK);
}

const recorded = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { leaks: string[]; phases: string[]; lengths: number[] };
    return { leaks: w.leaks, phases: w.phases, lengths: w.lengths };
  });

let fake: FakeLlm | undefined;
let bot: ChildProcess | undefined;
let entitiesFile: string | undefined;
test.afterEach(async () => {
  bot?.kill("SIGINT");
  await fake?.close();
  if (entitiesFile) rmSync(entitiesFile, { force: true });
});

test("a viewer watching a model think inline never sees its thinking: the entity is thinking, then the answer grows, then one stored reply", async ({
  browser,
  request,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const room = uniqueRoom("think");
  // This test's own streaming LLM (40 thought tokens at 20 a second: two seconds of thinking) and bot.
  fake = await startFakeLlm({ streamTokensPerSecond: 20, thoughtTokens: 40, reply: ANSWER });
  mkdirSync(".tmp", { recursive: true });
  entitiesFile = `.tmp/e2e-thinker-${process.pid}-${Date.now()}.json`;
  writeFileSync(
    entitiesFile,
    JSON.stringify({ entities: [{ ...THINKER, systemPrompt: "You think, then answer.", maxTokens: 200 }] }),
  );
  bot = spawn(
    process.execPath,
    [
      "bot/cli.ts",
      ...["--api", baseURL!, "--token", BOT_TOKEN, "--llm", fake.url, "--no-demo"],
      ...["--entities", entitiesFile, "--room", room, "--poll-wait-seconds", "5"],
    ],
    { stdio: "ignore" },
  );

  const hash = `#entity=${THINKER.id}`;
  const a = await openChat(await (await browser.newContext()).newPage(), { room, hash, identity: ANN });
  const b = await openChat(await (await browser.newContext()).newPage(), { room, hash, identity: BEN });
  for (const chat of [a, b]) {
    await expect(chat.page.locator("[data-connection]")).toHaveAttribute("data-connection", "live", {
      timeout: 10_000,
    });
    await expect(chat.page.getByText(`to ${THINKER.id} · online`)).toBeVisible({ timeout: 15_000 });
    await watchDraft(chat.page);
  }

  await a.send("what are clouds?");
  for (const chat of [a, b]) {
    const draft = chat.page.getByTestId("draft-row");
    await expect(draft).toHaveAttribute("data-phase", "thinking", { timeout: 10_000 });
    await expect(draft).toContainText(`${THINKER.username} is thinking…`);
  }
  // Both see the answer grow (watched at once: it streams for under a second), then the one reply.
  await Promise.all(
    [a, b].map((chat) =>
      expect(chat.page.getByTestId("draft-row")).toHaveAttribute("data-phase", "writing", { timeout: 10_000 }),
    ),
  );
  for (const chat of [a, b]) {
    await expect(chat.item(ANSWER)).toHaveCount(1, { timeout: 10_000 });
    await expect(chat.page.getByTestId("draft-row")).toHaveCount(0);
  }
  await a.page.waitForTimeout(300);
  for (const chat of [a, b]) {
    const { leaks, phases, lengths } = await recorded(chat.page);
    expect(leaks).toEqual([]);
    // Thinking first, then writing; never back to thinking.
    expect(phases).toEqual(["thinking", "writing"]);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]!).toBeGreaterThan(lengths[i - 1]!);
    expect(lengths.length).toBeGreaterThan(1);
  }

  const stored = await roomMessages(request, room);
  const question = stored.find((m) => m.text === "what are clouds?");
  const replies = stored.filter((m) => m["message-type"] === "AI");
  expect(replies.map((m) => [m.replyTo, m.username, m.text])).toEqual([[question?.id, THINKER.username, ANSWER]]);
  expect(stored.some((m) => m.text.includes(THOUGHT_MARK))).toBe(false);
});
