// Must-show checks of the comments Worker under real concurrency: many HTTP clients against the
// real Worker (`wrangler dev` on workerd), as posters, pollers and bots would be. The queue drain
// with vanishing claimers is worker-queue-drain.test.ts, on a Worker of its own so that the two
// load tests run side by side.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../types/index.ts";
import { sleep } from "../support/waiting.ts";
import { startWorker, type WorkerProcess } from "../support/worker-process.ts";
import { apiOf, human } from "./concurrency-client.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});
const api = apiOf(() => worker.url);

describe("comments Worker under concurrency", () => {
  it("16 posters × 100 messages while 4 pollers poll by cursor: each poller gets every message once, in seq order", async () => {
    const room = `cursor-${Date.now()}`;
    const POSTERS = 16;
    const PER_POSTER = 100;
    let posting = true;

    const pollers = Array.from({ length: 4 }, async () => {
      const seen: Message[] = [];
      let cursor = 0;
      for (let round = 0; round < 200_000; round++) {
        const startedWhilePosting = posting;
        const page = await api<{ comments: Message[]; cursor: number; hasMore: boolean }>(
          "GET",
          `/api/comments?room=${room}&cursor=${cursor}&limit=37`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.comments);
        cursor = page.body.cursor;
        // Done only after a poll that started once every post had committed came back complete.
        if (!startedWhilePosting && !page.body.hasMore) return seen;
        if (page.body.comments.length === 0) await sleep(5);
      }
      throw new Error("poller never caught up");
    });

    await Promise.all(
      Array.from({ length: POSTERS }, async (_, p) => {
        for (let i = 0; i < PER_POSTER; i++) {
          const res = await api("POST", `/api/comments?room=${room}`, human(`p${p}-m${i}`, { username: `poster${p}` }));
          expect(res.status).toBe(201);
        }
      }),
    );
    posting = false;
    const results = await Promise.all(pollers);

    const expected = new Set<string>();
    for (let p = 0; p < POSTERS; p++) for (let i = 0; i < PER_POSTER; i++) expected.add(`p${p}-m${i}`);
    for (const seen of results) {
      expect(seen).toHaveLength(POSTERS * PER_POSTER);
      expect(new Set(seen.map((m) => m.id))).toEqual(expected);
      expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: seen.length }, (_, i) => i + 1));
    }
    const posterThree = results[0]!.filter((m) => m.username === "poster3").map((m) => m.id);
    expect(posterThree).toEqual(Array.from({ length: PER_POSTER }, (_, i) => `p3-m${i}`));
  }, 180_000);
});
