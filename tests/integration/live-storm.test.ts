// C10: 200 live subscribers on one room while 16 posters send 50 messages each;
// mid-storm a random third of the sockets is dropped (half closed politely by the client, half
// cut abruptly at TCP level) and reconnect with their last cursor. Every subscriber must end with
// every acknowledged message exactly once, in seq order. Real `wrangler dev`, real sockets.
import { afterAll, beforeAll, expect, test } from "vitest";
import { type CutProxy, startCutProxy } from "../support/cut-proxy.ts";
import { compareDelivery, LiveSubscriber } from "../support/live-subscriber.ts";
import { postUntilAcknowledged } from "../support/reliable-post.ts";
import { startWorker, type WorkerProcess } from "../support/worker-process.ts";
import { allMessages } from "./helpers.ts";

const SUBSCRIBERS = 200;
const POSTERS = 16;
const PER_POSTER = 50;
const TOTAL = POSTERS * PER_POSTER;

let worker: WorkerProcess;
let proxy: CutProxy;
const subscribers: LiveSubscriber[] = [];

beforeAll(async () => {
  worker = await startWorker();
  const { hostname, port } = new URL(worker.url);
  proxy = await startCutProxy({ host: hostname, port: Number(port) });
});

afterAll(async () => {
  for (const s of subscribers) s.stop();
  await proxy?.close();
  await worker?.stop();
});

test("200 subscribers, 800 messages, a third of the sockets dropped mid-storm: each gets every message once, in order", async () => {
  const room = `storm-${Date.now().toString(36)}`;
  const started = Date.now();
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const s = new LiveSubscriber({ origin: () => proxy.origin, room, name: `s${i}`, cursor: 0 });
    subscribers.push(s);
    s.start();
  }
  await until("every subscriber connected", () => subscribers.every((s) => s.stats.connects > 0), 30_000);
  const connectedAt = Date.now();

  let acknowledged = 0;
  let retried = 0;
  const dropAt = Math.floor(TOTAL * 0.4);
  let dropped: { polite: number; abrupt: number; cutSockets: number } | null = null;
  const dropThird = () => {
    const victims = shuffle([...subscribers]).slice(0, Math.floor(SUBSCRIBERS / 3));
    let cutSockets = 0;
    victims.forEach((s, i) => {
      if (i % 2 === 0) s.closeAndReconnect();
      else cutSockets += proxy.cut(`s${subscribers.indexOf(s)}`);
    });
    dropped = { polite: Math.ceil(victims.length / 2), abrupt: Math.floor(victims.length / 2), cutSockets };
  };

  const seqs: number[] = [];
  await Promise.all(
    Array.from({ length: POSTERS }, async (_, p) => {
      for (let n = 0; n < PER_POSTER; n++) {
        const ack = await postUntilAcknowledged(worker.url, room, {
          id: `p${p}-m${n}`,
          text: `poster ${p} message ${n}`,
          username: `poster${p}`,
          color: "100150200",
          "message-type": "human",
        });
        seqs.push(ack.message.seq);
        retried += ack.attempts - 1;
        if (++acknowledged === dropAt) dropThird();
      }
    }),
  );
  const postedAt = Date.now();

  await until(
    "every subscriber has every message",
    () => subscribers.every((s) => s.stats.seqs.length >= TOTAL),
    30_000,
  ).catch(
    () => undefined, // the assertions below say exactly who is missing what
  );
  const deliveredAt = Date.now();

  const expected = [...seqs].sort((a, b) => a - b);
  const results = subscribers.map((s) => compareDelivery(s.stats.seqs, expected));
  const stored = await allMessages(worker.url, room);
  const ignored = subscribers.reduce((sum, s) => sum + s.stats.ignored, 0);
  const reconnects = subscribers.reduce((sum, s) => sum + s.stats.connects - 1, 0);
  const counts = subscribers.map((s) => s.stats.seqs.length);
  console.log(
    [
      `storm: ${SUBSCRIBERS} subscribers, ${POSTERS}×${PER_POSTER} = ${TOTAL} posts, acknowledged ${acknowledged} (retries ${retried}), stored ${stored.length}`,
      `dropped mid-storm: ${JSON.stringify(dropped)}; reconnects ${reconnects}`,
      `received per subscriber: min ${Math.min(...counts)}, max ${Math.max(...counts)}; missing ${sum(results, "missing")}, doubled ${sum(results, "doubled")}, out of order ${sum(results, "outOfOrder")}; wire repeats ignored by clients ${ignored}`,
      `time: connect ${connectedAt - started} ms, post ${postedAt - connectedAt} ms, last delivery ${deliveredAt - postedAt} ms after the last ack, total ${deliveredAt - started} ms`,
    ].join("\n"),
  );

  expect(dropped).not.toBeNull();
  expect(acknowledged).toBe(TOTAL);
  expect(stored.map((m) => m.seq)).toEqual(expected);
  expect(new Set(stored.map((m) => m.id)).size).toBe(TOTAL);
  expect(reconnects).toBeGreaterThanOrEqual(Math.floor(SUBSCRIBERS / 3));
  for (const [i, s] of subscribers.entries()) {
    expect({ subscriber: i, ...results[i], badFrames: s.stats.badFrames }).toEqual({
      subscriber: i,
      missing: 0,
      doubled: 0,
      outOfOrder: 0,
      badFrames: 0,
    });
    expect(s.stats.seqs).toEqual(expected);
  }
}, 90_000);

function sum<K extends string>(rows: Record<K, number>[], key: K): number {
  return rows.reduce((total, r) => total + r[key], 0);
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
