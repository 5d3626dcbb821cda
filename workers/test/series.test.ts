import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SERIES, type SeriesMinute, type Stats } from "../../types";
import type { Room } from "../room";
import { ADMIN_TOKEN, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";

const MIN = SERIES.minuteMs;
const stubFor = (room: string) => env.ROOM.get(env.ROOM.idFromName(room)) as unknown as DurableObjectStub<Room>;

/** The room runs in this isolate, so faking Date sets the room's clock too (timers stay real). */
function setClock(ms: number) {
  vi.setSystemTime(ms);
}

async function series(room: string, opts: { minutes?: number; admin?: boolean } = {}) {
  const res = await call<Stats>("GET", `/api/stats?room=${room}&minutes=${opts.minutes ?? 60}`, {
    token: opts.admin ? ADMIN_TOKEN : undefined,
  });
  expect(res.status).toBe(200);
  return res.body.series!;
}

const closedAt = (minutes: SeriesMinute[], at: number) => minutes.find((m) => m.at === at && !m.open);

describe("the room's per-minute series (O5)", () => {
  // A minute boundary well clear of the real clock, so nothing real lands in it.
  const T0 = Math.floor(Date.now() / MIN) * MIN + 10 * MIN;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a minute with known traffic reads back as those counts and latency percentiles", async () => {
    const room = freshRoom("series");
    setClock(T0 + 5_000);
    for (let i = 0; i < 3; i++) await postMessage(room, { id: `plain-${i}` });
    for (let i = 0; i < 3; i++) await postMessage(room, { id: `ask-${i}`, botParams: { entity: "ring" } });

    // Two answered 10 s and 30 s after they were asked; the third fails for good.
    const answer = async (at: number) => {
      setClock(at - 2_000);
      const claim = await claimNext(room, "w-ring", { entities: ["ring"] });
      setClock(at);
      const done = await call("POST", `/api/queue/complete?room=${room}`, {
        token: BOT_TOKEN,
        body: { messageId: claim.body.message.id, leaseToken: claim.body.lease.token, reply: { text: "yes" } },
      });
      expect(done.status).toBe(200);
    };
    await answer(T0 + 15_000);
    await answer(T0 + 35_000);
    setClock(T0 + 40_000);
    const third = await claimNext(room, "w-ring", { entities: ["ring"] });
    await call("POST", `/api/queue/fail?room=${room}`, {
      token: BOT_TOKEN,
      body: { messageId: third.body.message.id, leaseToken: third.body.lease.token, error: "no", retryable: false },
    });

    // While the minute runs it is the open one and already counts.
    const running = await series(room, { admin: true });
    expect(running.minutes.at(-1)).toMatchObject({ at: T0, open: true, messages: 6, replies: 2, failures: 1 });

    setClock(T0 + MIN + 1_000);
    const admin = await series(room, { admin: true });
    expect(admin.detailed).toBe(true);
    const minute = closedAt(admin.minutes, T0);
    expect(minute).toMatchObject({
      messages: 6,
      replies: 2,
      failures: 1,
      queueDepth: 0,
      oldestPendingMs: null,
      latencyP50Ms: 10_000,
      latencyP95Ms: 30_000,
      latencySamples: 2,
    });
    // Storage work of the minute: the posts and queue steps wrote rows; nothing touched KV.
    expect(minute!.rowsWritten).toBeGreaterThan(6 * 5);
    expect(minute!.kvReads).toBe(0);

    // Without the admin token: the same counts, no latency.
    const open = await series(room);
    expect(open.detailed).toBe(false);
    expect(closedAt(open.minutes, T0)).toMatchObject({ messages: 6, replies: 2, failures: 1 });
    expect(closedAt(open.minutes, T0)).not.toHaveProperty("latencyP50Ms");
  });

  it("records queue depth and the oldest pending age when a minute closes", async () => {
    const room = freshRoom("depth");
    setClock(T0 + 1_000);
    await postMessage(room, { id: "wait-1", botParams: { entity: "nobody" } });
    await postMessage(room, { id: "wait-2", botParams: { entity: "nobody" } });
    setClock(T0 + MIN + 1_000);
    const minutes = (await series(room)).minutes;
    expect(closedAt(minutes, T0)).toMatchObject({ messages: 2, queueDepth: 2, oldestPendingMs: MIN });
  });

  it("old minutes roll off after 24 hours, and an evicted room keeps its series", async () => {
    const room = freshRoom("ring");
    setClock(T0 + 2_000);
    await postMessage(room, { id: "day-one" });
    setClock(T0 + MIN + 2_000);
    await postMessage(room, { id: "day-one-b" });
    await postMessage(room, { id: "day-one-c" });
    setClock(T0 + 2 * MIN + 2_000);
    expect(closedAt((await series(room)).minutes, T0)?.messages).toBe(1);

    // Evicted: the new object reads its closed minutes back from SQLite.
    await evictDurableObject(stubFor(room));
    const afterEviction = (await series(room)).minutes;
    expect(closedAt(afterEviction, T0)?.messages).toBe(1);
    expect(closedAt(afterEviction, T0 + MIN)?.messages).toBe(2);

    // A day after the first minute, it has rolled off; the second is still there.
    setClock(T0 + (SERIES.keepMinutes - 1) * MIN + 3_000);
    await postMessage(room, { id: "day-two" });
    setClock(T0 + SERIES.keepMinutes * MIN + 3_000);
    const day = (await series(room, { minutes: SERIES.keepMinutes })).minutes;
    expect(closedAt(day, T0)).toBeUndefined();
    expect(closedAt(day, T0 + MIN)?.messages).toBe(2);
    expect(closedAt(day, T0 + (SERIES.keepMinutes - 1) * MIN)?.messages).toBe(1);
    expect(day.length).toBeLessThanOrEqual(SERIES.keepMinutes);
    // The last hour only holds the newest minutes.
    expect((await series(room)).minutes.map((m) => m.at)).toEqual([
      T0 + (SERIES.keepMinutes - 1) * MIN,
      T0 + SERIES.keepMinutes * MIN,
    ]);
  });

  it("rejects a bad minutes parameter with a code and changes nothing", async () => {
    const room = freshRoom("bad");
    const res = await call("GET", `/api/stats?room=${room}&minutes=5000`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_input");
    expect(res.body.error).toContain("minutes");
  });
});
