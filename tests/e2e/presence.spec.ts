import { type ChildProcess, spawn } from "node:child_process";
import { expect, test } from "@playwright/test";
import { LIVE } from "../../types";
import { type FakeLlm, startFakeLlm } from "../support/fake-llm";
import { BOT_TOKEN, uniqueRoom } from "./support/api";
import { openChat } from "./support/chat-page";
import { ECHO } from "./support/env";

const ANN = { username: "Ann", color: "255180120" };
const BEN = { username: "Ben", color: "120180255" };
const CY = { username: "Cy", color: "180255120" };

const live = async (chat: { page: import("@playwright/test").Page }) =>
  expect(chat.page.locator("[data-connection]")).toHaveAttribute("data-connection", "live", { timeout: 10_000 });

test("typing shows on the other page within a second, never on my own, and goes after the expiry or at once on send", async ({
  browser,
}) => {
  test.setTimeout(45_000);
  const room = uniqueRoom("typing");
  const ann = await openChat(await (await browser.newContext()).newPage(), { room, identity: ANN });
  const ben = await openChat(await (await browser.newContext()).newPage(), { room, identity: BEN });
  for (const chat of [ann, ben]) {
    await live(chat);
    await expect(chat.page.getByTestId("here-count")).toHaveText("2 here", { timeout: 5_000 });
  }
  // The room sends at most one activity frame per interval; the joins just used one. Typing starts
  // once that interval has passed, as a person's first key usually does.
  await ann.page.waitForTimeout(LIVE.activityIntervalMs);

  const indicator = ben.page.getByTestId("typing-indicator");
  const typedAt = Date.now();
  await ann.messageBox.pressSequentially("hello the", { delay: 40 });
  await expect(indicator).toHaveText("Ann is typing…", { timeout: 1_000 + (Date.now() - typedAt) });
  await expect(indicator.getByText("Ann")).toHaveCSS("color", /rgb\(/);
  // My own page never shows me.
  await expect(ann.page.getByTestId("typing-indicator")).toHaveText("");

  // Stopped without sending: gone by itself within 6 s.
  const stoppedAt = Date.now();
  await expect(indicator).toHaveText("", { timeout: 6_500 });
  expect(Date.now() - stoppedAt).toBeLessThan(6_500);

  // Typing again, then sending: gone at once (the stop frame, one flush later at most).
  await ann.page.waitForTimeout(LIVE.typingRefreshMs);
  await ann.messageBox.pressSequentially("re", { delay: 40 });
  await expect(indicator).toHaveText("Ann is typing…", { timeout: 3_000 });
  await ann.messageBox.press("Enter");
  await expect(ben.item("hello there")).toBeVisible();
  await expect(indicator).toHaveText("", { timeout: LIVE.activityIntervalMs + 1_000 });
});

test("three pages show 3 here; closing one shows 2 within 10 s", async ({ browser }) => {
  const room = uniqueRoom("here");
  const pages = [];
  for (const who of [ANN, BEN, CY]) {
    const chat = await openChat(await (await browser.newContext()).newPage(), { room, identity: who });
    await live(chat);
    pages.push(chat);
  }
  for (const chat of pages) await expect(chat.page.getByTestId("here-count")).toHaveText("3 here", { timeout: 5_000 });
  await pages[2]!.page.context().close();
  for (const chat of pages.slice(0, 2))
    await expect(chat.page.getByTestId("here-count")).toHaveText("2 here", { timeout: 10_000 });
});

let fake: FakeLlm | undefined;
let bot: ChildProcess | undefined;
test.afterEach(async () => {
  bot?.kill("SIGINT");
  bot = undefined;
  await fake?.close();
  fake = undefined;
});

test("the third of three questions to a one-at-a-time entity shows 2 ahead, then thinking, then writing, then its reply", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const room = uniqueRoom("line");
  // A slow model of this test's own (2.5 s before the first token, then 4 tokens a second), and a
  // bot serving only this room with the default concurrency of 1: one question at a time.
  fake = await startFakeLlm({
    latencyMs: 2_500,
    streamTokensPerSecond: 4,
    reply: (body) => `slow answer to ${body.messages.findLast((m: { role: string }) => m.role === "user")?.content}`,
  });
  bot = spawn(
    process.execPath,
    [
      "bot/cli.ts",
      ...["--api", baseURL!, "--token", BOT_TOKEN, "--llm", fake.url, "--no-demo", "--concurrency", "1"],
      ...["--entities", "tests/e2e/entities.json", "--room", room, "--poll-wait-seconds", "5"],
    ],
    { stdio: "ignore" },
  );
  const ann = await openChat(await (await browser.newContext()).newPage(), {
    room,
    hash: `#entity=${ECHO.id}`,
    identity: ANN,
  });
  // Another viewer sees the same line by push.
  const ben = await openChat(await (await browser.newContext()).newPage(), { room, identity: BEN });
  for (const chat of [ann, ben]) await live(chat);
  await expect(ann.page.getByText(`to ${ECHO.id} · online`)).toBeVisible({ timeout: 15_000 });

  for (const text of ["question one", "question two", "question three"]) await ann.send(text);
  for (const chat of [ann, ben]) {
    const third = chat.item("question three").first();
    await expect(third.locator("[data-line-ahead]")).toHaveText("· 2 ahead", { timeout: 5_000 });
  }
  // The entity picker says how long the line is.
  await ben.page.getByRole("button", { name: "AI entities" }).click();
  await expect(
    ben.page.getByRole("menuitemradio", { name: new RegExp(ECHO.id) }).getByTestId("entity-queue"),
  ).toHaveText(/[12] waiting ·/);
  await ben.page.keyboard.press("Escape");
  const third = ben.item("question three").first();
  await expect(third.locator("[data-line-phase=thinking]")).toBeVisible({ timeout: 20_000 });
  await expect(third.locator("[data-line-phase=writing]")).toBeVisible({ timeout: 10_000 });
  await expect(ben.item(/slow answer to [\s\S]*question three/)).toHaveCount(1, { timeout: 10_000 });
  await expect(third.locator("[data-line-phase]")).toHaveCount(0);
  // The replies came one at a time, in the order asked.
  const texts = await ben.items().allTextContents();
  const order = ["one", "two", "three"].map((n) =>
    texts.findIndex((x) => new RegExp(`slow answer to [\\s\\S]*question ${n}$`).test(x)),
  );
  expect(order.every((i) => i >= 0)).toBe(true);
  expect(order).toEqual([...order].sort((a, b) => a - b));
});
