// Must-show check of the comments Worker's queue under real concurrency: many claimers against the
// real Worker (`wrangler dev` on workerd), some vanishing mid-job as crashed bots would.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../types/index.ts";
import { BOT_TOKEN, startWorker, type WorkerProcess } from "../support/worker-process.ts";
import { apiOf, everything, human } from "./concurrency-client.ts";

let worker: WorkerProcess;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.stop();
});
const api = apiOf(() => worker.url);

describe("comments Worker under concurrency", () => {
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
    const messages = await everything(api, room);
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
