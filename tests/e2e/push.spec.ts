import { expect, type Page, test } from "@playwright/test";
import { uniqueRoom } from "./support/api";
import { type ChatPage, openChat } from "./support/chat-page";
import { BOT_ROOM, ECHO } from "./support/env";

const ANN = { username: "Ann", color: "255180120" };
const BEN = { username: "Ben", color: "120180255" };

/** Records, in the page, the moment (epoch ms) each watched text first renders. */
async function watchArrivals(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, number> = {};
    (window as unknown as { seenAt: Record<string, number> }).seenAt = seen;
    new MutationObserver(() => {
      for (const row of document.querySelectorAll("li[data-id]")) {
        const text = row.textContent ?? "";
        const match = /push-probe-\d+-\d+/.exec(text);
        if (match && seen[match[0]] === undefined) seen[match[0]] = Date.now();
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

const connectionBadge = (chat: ChatPage) => chat.page.locator("[data-connection]");

test("must-show 3: a message typed in one browser shows in another by push (median printed)", async ({ browser }) => {
  const room = uniqueRoom("push");
  const a = await openChat(await (await browser.newContext()).newPage(), { room, identity: ANN });
  const b = await openChat(await (await browser.newContext()).newPage(), { room, identity: BEN });
  for (const chat of [a, b]) await expect(connectionBadge(chat)).toHaveAttribute("data-connection", "live");
  await watchArrivals(b.page);
  // Only the socket may bring messages to B: it must not poll while live.
  const polls: string[] = [];
  b.page.on("request", (r) => {
    if (r.url().includes("/api/comments?") && r.method() === "GET") polls.push(r.url());
  });

  const latencies: number[] = [];
  const rounds = 12;
  for (let i = 1; i <= rounds; i++) {
    const text = `push-probe-${i}-${Date.now()}`;
    await a.send(text);
    await expect(b.item(text)).toHaveCount(1, { timeout: 5_000 });
    const shownAt = await b.page.evaluate(
      (t) => (window as unknown as { seenAt: Record<string, number> }).seenAt[t],
      text,
    );
    // The POST's start in A: the POSTs are A's only fetches to /api/comments after its first load.
    // Its timing entry exists only once its answer is in, which by push can be after B shows it.
    const posts = () =>
      a.page.evaluate(() =>
        (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
          .filter((e) => /\/api\/comments(\?room=[^&]+)?$/.test(e.name) && e.initiatorType === "fetch")
          .map((e) => performance.timeOrigin + e.startTime),
      );
    await expect.poll(async () => (await posts()).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(i);
    const sentAt = (await posts()).at(-1) ?? Number.NaN;
    if (shownAt !== undefined && Number.isFinite(sentAt)) latencies.push(shownAt - sentAt);
  }
  latencies.sort((x, y) => x - y);
  const median = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
  console.log(
    `must-show 3: send → shown in the other browser, ${latencies.length} messages: median ${median.toFixed(0)} ms, ` +
      `min ${latencies[0]?.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms`,
  );
  expect(latencies.length).toBe(rounds);
  // Generous: the target (150 ms) is reported above; CI machines are noisy.
  expect(median).toBeLessThan(1_000);
  expect(polls, "B polled while live").toEqual([]);
  const ids = await b.renderedIds();
  expect(new Set(ids).size).toBe(ids.length);
});

test("must-show 3: an addressed message's states arrive by push, never by /status polling", async ({ page }) => {
  const statusRequests: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/comments/status") || (r.url().includes("cursor=") && r.url().includes("/api/comments")))
      statusRequests.push(r.url());
  });
  const chat = await openChat(page, {
    room: BOT_ROOM,
    hash: `#entity=${ECHO.id}`,
    identity: { username: "Pia", color: "200150100" },
  });
  await expect(connectionBadge(chat)).toHaveAttribute("data-connection", "live");
  const text = `push states ${Date.now()}`;
  await page.evaluate((watched) => {
    const seen: string[] = [];
    (window as unknown as { queueStates: string[] }).queueStates = seen;
    new MutationObserver(() => {
      for (const row of document.querySelectorAll("li")) {
        if (!row.textContent?.includes(watched) || row.textContent.includes("echo:")) continue;
        const state = row.querySelector("[data-queue-state]")?.getAttribute("data-queue-state");
        if (state && seen.at(-1) !== state) seen.push(state);
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, text);
  await chat.send(text);
  await expect(chat.item(`echo: ${text}`)).toHaveCount(1, { timeout: 15_000 });
  const states = await page.evaluate(() => (window as unknown as { queueStates: string[] }).queueStates);
  console.log(`must-show 3: states by push: ${states.join(" → ")}`);
  expect(states).toContain("waiting");
  expect(states).toContain("answering");
  expect(states.at(-1)).toBe("answered");
  expect(statusRequests, "no status or cursor polling while live").toEqual([]);
});

test("must-show 4: with WebSocket unavailable the page says so and still works by polling", async ({ browser }) => {
  const room = uniqueRoom("fallback");
  const noSocketContext = await browser.newContext();
  await noSocketContext.addInitScript(() => {
    Object.defineProperty(window, "WebSocket", { value: undefined, configurable: true });
  });
  const polling = await openChat(await noSocketContext.newPage(), { room, identity: ANN });
  const live = await openChat(await (await browser.newContext()).newPage(), { room, identity: BEN });
  await expect(connectionBadge(polling)).toHaveAttribute("data-connection", "polling");
  await expect(connectionBadge(polling)).toHaveText("polling");
  await expect(connectionBadge(live)).toHaveAttribute("data-connection", "live");

  const fromLive = `to the polling page ${Date.now()}`;
  await live.send(fromLive);
  await expect(polling.item(fromLive)).toHaveCount(1, { timeout: 5_000 });
  const fromPolling = `from the polling page ${Date.now()}`;
  await polling.send(fromPolling);
  await expect(live.item(fromPolling)).toHaveCount(1, { timeout: 5_000 });
  await polling.page.waitForTimeout(2_500);
  for (const chat of [polling, live]) {
    await expect(chat.item(fromLive)).toHaveCount(1);
    await expect(chat.item(fromPolling)).toHaveCount(1);
  }
});
