import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { CommentsPage, Message } from "../../types";
import type { Room } from "../room";
import { snapshotKey, snapshotSchema } from "../snapshot";
import { allMessages, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";
import { flushSnapshot } from "./room-time";

const stubFor = (room: string) => env.ROOM.get(env.ROOM.idFromName(room)) as unknown as DurableObjectStub<Room>;

async function recent(room: string, limit = 200) {
  return call<{ comments: Message[]; cursor: number; hasMore: boolean }>(
    "GET",
    `/api/comments?room=${room}&limit=${limit}`,
  );
}

async function truthTail(room: string, limit: number) {
  return (await allMessages(room)).slice(-limit).map((m) => m.id);
}

describe("KV snapshot", () => {
  it("is written by the room (coalesced) and carries the seq it covers", async () => {
    const room = freshRoom("snap");
    for (let i = 0; i < 5; i++) await postMessage(room, { id: `s${i}` });
    await flushSnapshot(room);
    const stats = await call("GET", `/api/stats?room=${room}`);
    // Five posts inside one second: the first write plus one coalesced write, never five.
    expect(stats.body.storage.snapshotWrites).toBeLessThanOrEqual(2);
    const raw = await env.SNAPSHOTS.get(snapshotKey(room));
    const snapshot = snapshotSchema.parse(JSON.parse(raw ?? "null"));
    expect(snapshot.seq).toBe(5);
    expect(snapshot.comments.map((m) => m.id)).toEqual(["s0", "s1", "s2", "s3", "s4"]);
  });

  it("a stale snapshot delays nothing: the read adds what the room committed after its seq", async () => {
    const room = freshRoom("stale");
    for (let i = 0; i < 3; i++) await postMessage(room, { id: `a${i}` });
    await flushSnapshot(room);
    for (let i = 0; i < 4; i++) await postMessage(room, { id: `b${i}` });
    // The snapshot in KV still covers seq 3: the next write waits for the coalescing interval.
    expect(snapshotSchema.parse(JSON.parse((await env.SNAPSHOTS.get(snapshotKey(room))) ?? "null")).seq).toBe(3);
    const res = await recent(room);
    expect(res.body.comments.map((m) => m.id)).toEqual(["a0", "a1", "a2", "b0", "b1", "b2", "b3"]);
    expect(res.body.cursor).toBe(7);
    expect(res.timing.kv_read).toBe(1);
    expect(res.timing.rows_read).toBeLessThanOrEqual(4 + 3);
  });

  it("cached=1 answers the recent window from KV alone; resuming from its cursor brings the rest", async () => {
    const room = freshRoom("cached");
    for (let i = 0; i < 3; i++) await postMessage(room, { id: `k${i}` });
    await flushSnapshot(room);
    for (let i = 0; i < 2; i++) await postMessage(room, { id: `n${i}` });
    const res = await call<CommentsPage>("GET", `/api/comments?room=${room}&limit=200&cached=1`);
    expect(res.status).toBe(200);
    // No room call at all: the Worker read one KV value and touched no SQLite rows.
    expect(res.timing).toMatchObject({ kv_read: 1, room_calls: 0, rows_read: 0 });
    expect(res.body.comments.map((m) => m.id)).toEqual(["k0", "k1", "k2"]);
    expect(res.body.cursor).toBe(3);
    const rest = await call<CommentsPage>("GET", `/api/comments?room=${room}&cursor=${res.body.cursor}`);
    expect(rest.body.comments.map((m) => m.id)).toEqual(["n0", "n1"]);
    // Without cached=1 (clients that never resume) the same read merges what came after.
    expect((await recent(room)).body.comments.map((m) => m.id)).toEqual(["k0", "k1", "k2", "n0", "n1"]);
  });

  it("deleting or corrupting the snapshot while posting loses nothing; reads stay correct and it is repaired", async () => {
    const room = freshRoom("chaos");
    const key = snapshotKey(room);
    let posted = 0;
    const poster = (async () => {
      for (let i = 0; i < 150; i++) {
        await postMessage(room, { id: `c${i}` });
        posted++;
      }
    })();
    const vandal = (async () => {
      const garbage = [
        "{not json",
        JSON.stringify({ v: 1, seq: "x" }),
        JSON.stringify({ v: 1, seq: 10, comments: [{ id: 3 }] }),
        "",
      ];
      for (let round = 0; posted < 150 && round < 10_000; round++) {
        if (round % 2 === 0) await env.SNAPSHOTS.delete(key);
        else await env.SNAPSHOTS.put(key, garbage[round % garbage.length]!);
        const res = await recent(room, 50);
        expect(res.status).toBe(200);
        // Whatever KV holds, the window is contiguous and ends at the cursor the room reported.
        const seqs = res.body.comments.map((m) => m.seq);
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => res.body.cursor - seqs.length + 1 + i));
        expect(res.timing.rows_read).toBeLessThanOrEqual(60);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await Promise.all([poster, vandal]);

    await env.SNAPSHOTS.put(key, "corrupt");
    const after = await recent(room, 200);
    expect(after.body.comments.map((m) => m.id)).toEqual(await truthTail(room, 200));
    expect(after.body.cursor).toBe(150);
    expect(await allMessages(room)).toHaveLength(150);
    // The room rewrites the snapshot on its next alarm; the read after that uses it.
    await flushSnapshot(room);
    const repaired = snapshotSchema.parse(JSON.parse((await env.SNAPSHOTS.get(key)) ?? "null"));
    expect(repaired.seq).toBe(150);
    const fromCache = await recent(room, 200);
    expect(fromCache.body.comments.map((m) => m.id)).toEqual(await truthTail(room, 200));
    expect(fromCache.timing.rows_read).toBe(0);
  }, 120_000);
});

describe("request cost follows the response, not the room", () => {
  it("with 3,000 stored messages every read path touches O(returned) rows and never lists KV", async () => {
    const room = freshRoom("big");
    const stub = stubFor(room);
    await runInDurableObject(stub, (object) => {
      const instance = object as unknown as Room;
      for (let i = 0; i < 3000; i++) {
        const who =
          i % 3 === 0 ? { username: "Alice", color: "200100050" } : { username: `u${i % 50}`, color: "100100100" };
        instance.post({ text: `m${i}`, ...who, ...(i % 10 === 0 ? { botParams: { entity: "eve" } } : {}) }, "h", null);
      }
    });
    await env.SNAPSHOTS.delete(snapshotKey(room));
    const rows = async (path: string, init?: { token?: string; body?: unknown; method?: string }) => {
      const res = await call(init?.method ?? "GET", path, { token: init?.token, body: init?.body });
      expect(res.status, path).toBeLessThan(300);
      return res.timing.rows_read ?? Number.NaN;
    };
    expect(await rows(`/api/comments?room=${room}&cursor=3000`)).toBe(0);
    expect(await rows(`/api/comments?room=${room}&cursor=2990`)).toBeLessThanOrEqual(11);
    expect(await rows(`/api/comments?room=${room}&limit=100`)).toBeLessThanOrEqual(101 + 5); // snapshot missing → SQLite
    expect(await rows(`/api/comments?room=${room}&before=1500&limit=50`)).toBeLessThanOrEqual(51);
    expect(await rows(`/api/comments?room=${room}&u=Alice:200100050&limit=50`)).toBeLessThanOrEqual(51);
    expect(await rows(`/api/comments?room=${room}&type=AI&limit=50`)).toBeLessThanOrEqual(51);
    expect(await rows(`/api/queue/pending?room=${room}&limit=10`, { token: BOT_TOKEN })).toBeLessThanOrEqual(12);
    expect(
      await rows(`/api/queue/claim-next?room=${room}`, {
        method: "POST",
        token: BOT_TOKEN,
        body: { workerId: "w", entities: ["eve"] },
      }),
    ).toBeLessThanOrEqual(12);
  }, 60_000);
});

describe("restart", () => {
  it("an evicted room comes back with its messages, seq, queue and leases intact", async () => {
    const room = freshRoom("restart");
    await postMessage(room, { id: "r1" });
    await postMessage(room, { id: "r2", botParams: { entity: "eve" } });
    await postMessage(room, { id: "r3", botParams: { entity: "eve" } });
    const claim = await claimNext(room, "w1");
    expect(claim.body.message.id).toBe("r2");

    await evictDurableObject(stubFor(room));

    const next = await postMessage(room, { id: "r4" });
    expect(next.seq).toBe(4);
    const done = await call("POST", `/api/queue/complete?room=${room}`, {
      body: { messageId: "r2", leaseToken: claim.body.lease.token, reply: { text: "still here" } },
      token: BOT_TOKEN,
    });
    expect(done.status).toBe(200);
    const again = await claimNext(room, "w2");
    expect(again.body.message.id).toBe("r3");
    const stats = await call("GET", `/api/stats?room=${room}`);
    expect(stats.body.messages).toEqual({ total: 5, human: 4, AI: 1 });
    expect(stats.body.queue).toMatchObject({ pending: 0, processing: 1, complete: 1 });
    expect((await allMessages(room)).map((m) => m.id)).toEqual(["r1", "r2", "r3", "r4", done.body.reply.id]);
  });
});
