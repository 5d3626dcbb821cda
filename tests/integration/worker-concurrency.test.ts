// Must-show checks of the comments Worker under real concurrency: many HTTP clients against the
// real Worker (`wrangler dev` on workerd), as posters, pollers and bots would be.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../types/index.ts";
import { sleep } from "../support/waiting.ts";
import { BOT_TOKEN, startWorker, type WorkerProcess } from "../support/worker-process.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});

async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${worker.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T,
  };
}

async function everything(room: string): Promise<Message[]> {
  const out: Message[] = [];
  for (let cursor = 0; ; ) {
    const page = await api<{ comments: Message[]; cursor: number; hasMore: boolean }>(
      "GET",
      `/api/comments?room=${room}&cursor=${cursor}&limit=500`,
    );
    out.push(...page.body.comments);
    cursor = page.body.cursor;
    if (!page.body.hasMore) return out;
  }
}

const human = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  text: `text of ${id}`,
  username: "poster",
  color: "120180240",
  ...over,
});

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

  it("1,000 addressed messages, 10 claimers (3 vanish mid-job, 5 s leases): every message answered exactly once", async () => {
    const room = `drain-${Date.now()}`;
    const TOTAL = 1000;
    for (let batch = 0; batch < TOTAL; batch += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const n = batch + i;
          const res = await api(
            "POST",
            `/api/comments?room=${room}`,
            human(`q${n}`, { botParams: { entity: n % 2 ? "eve" : "bob" } }),
          );
          expect(res.status).toBe(201);
        }),
      );
    }

    let claims = 0;
    let completes = 0;
    const abandoned: string[] = [];
    const claimer = async (workerId: string, vanishAtJob: number | null) => {
      for (let job = 0; job < 5_000; job++) {
        const res = await api<{ message: Message; lease: { token: string } }>(
          "POST",
          `/api/queue/claim-next?room=${room}`,
          { workerId, entities: ["eve", "bob"], leaseSeconds: 5, wait: 1 },
          BOT_TOKEN,
        );
        if (res.status === 204) {
          const stats = await api<{ queue: { complete: number } }>("GET", `/api/stats?room=${room}`);
          if (stats.body.queue.complete === TOTAL) return;
          continue;
        }
        expect(res.status).toBe(200);
        claims++;
        if (job === vanishAtJob) {
          abandoned.push(res.body.message.id); // crashed mid-job: no complete, no release
          return;
        }
        const done = await api(
          "POST",
          `/api/queue/complete?room=${room}`,
          {
            messageId: res.body.message.id,
            leaseToken: res.body.lease.token,
            reply: { text: `answer to ${res.body.message.id}`, username: workerId.slice(0, 16) },
          },
          BOT_TOKEN,
        );
        expect(done.status).toBe(200);
        completes++;
      }
      throw new Error(`${workerId} never saw the queue drained`);
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => claimer(`claimer-${i}`, i < 3 ? 10 + i * 25 : null)));

    expect(abandoned).toHaveLength(3);
    expect(completes).toBe(TOTAL);
    expect(claims).toBe(TOTAL + abandoned.length);
    const messages = await everything(room);
    const replies = messages.filter((m) => m["message-type"] === "AI");
    expect(replies).toHaveLength(TOTAL);
    expect(new Set(replies.map((m) => m.replyTo)).size).toBe(TOTAL);
    const questions = messages.filter((m) => m.botParams);
    expect(questions.every((m) => m.botParams?.status === "complete")).toBe(true);
    for (const id of abandoned) expect(questions.find((m) => m.id === id)?.botParams?.attempts).toBe(1);
    console.log(
      `drain: ${claims} claims, ${completes} completes, ${replies.length} replies, abandoned ${abandoned.join(", ")}`,
    );
  }, 240_000);
});
