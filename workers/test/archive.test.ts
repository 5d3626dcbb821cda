import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type CommentsPage, type Message, type Stats, statsSchema } from "../../types";
import type { Room } from "../room";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, freshRoom, postMessage } from "./client";

const stubFor = (room: string) => env.ROOM.get(env.ROOM.idFromName(room)) as unknown as DurableObjectStub<Room>;

const ALICE = { username: "Alice", color: "200100050" };
const EVE = { username: "Eve", color: "050100200" };
/** A tiny hot window (the production default is a million) so archiving happens in a test. */
const TINY = { hotMessages: 500, segmentSize: 100, segmentsPerRun: 4 };

/**
 * Fills a room inside its object (fast: no HTTP per message) up to `total` messages: a third
 * from Alice, every fifth addressed to "eve"; of those, half answered by Eve (an AI reply, with
 * a lease), a quarter failed, a quarter left pending (they must stay hot forever).
 */
async function seed(room: string, total: number): Promise<void> {
  await runInDurableObject(stubFor(room), async (object) => {
    const room_ = object as unknown as Room;
    let head = 0;
    for (let i = 1; head < total; i++) {
      const who = i % 3 === 0 ? ALICE : { username: `u${i % 40}`, color: "100100100" };
      const addressed = i % 5 === 0;
      const posted = await room_.post(
        {
          id: `m${i}`,
          text: `message ${i} ${"lorem ipsum ".repeat(i % 17)}`.trim(),
          ...who,
          ...(addressed ? { botParams: { entity: "eve" } } : {}),
        },
        "h",
        null,
      );
      if (!posted.ok) throw new Error(posted.error);
      head = posted.value.seq;
      if (!addressed || head >= total - 1) continue;
      const kind = (i / 5) % 4;
      if (kind === 3) continue;
      const claim = await room_.claim({ messageId: `m${i}`, workerId: "w", leaseSeconds: 600 });
      if (!claim.ok) throw new Error(claim.error);
      const leaseToken = claim.value.lease.token;
      if (kind === 2) {
        await room_.fail({ messageId: `m${i}`, leaseToken, error: "model said nothing", retryable: false });
      } else {
        const done = await room_.complete({ messageId: `m${i}`, leaseToken, reply: { text: `re ${i}`, ...EVE } });
        if (!done.ok) throw new Error(done.error);
        head = done.value?.seq ?? head;
      }
    }
  });
}

async function stats(room: string): Promise<Stats> {
  return statsSchema.parse((await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN })).body);
}

/** Whether the room still has a whole segment over its hot window (what its alarm checks). */
async function archiveDue(room: string): Promise<boolean> {
  return runInDurableObject(stubFor(room), (object) => {
    const o = object as unknown as { archive: { due(options: unknown): boolean }; archiveOptions: unknown };
    return o.archive.due(o.archiveOptions);
  });
}

/**
 * Runs the room's alarms (as Cloudflare would) until no more archiving is due. The room always
 * has some alarm set (the per-minute series), so ask "is archiving due?" before each run. An
 * alarm may also fire on its own meanwhile; then none is scheduled for a moment, so wait for it.
 */
async function drainAlarms(room: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (!(await archiveDue(room))) return;
    if (!(await runDurableObjectAlarm(stubFor(room)))) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("archiving did not finish");
}

/** "Load more" from the newest message back to the first, as the app pages: no `before`, then `before=`. */
async function pageBack(room: string, query: string, limit: number): Promise<Message[]> {
  const out: Message[] = [];
  let before: number | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const path = `/api/comments?room=${room}&limit=${limit}${query}${before === null ? "" : `&before=${before}`}`;
    const res: { status: number; body: CommentsPage } = await call<CommentsPage>("GET", path);
    expect(res.status).toBe(200);
    out.unshift(...res.body.comments);
    if (!res.body.hasMore) return out;
    before = res.body.comments[0]?.seq ?? 0;
  }
  throw new Error("paging did not end");
}

const seqs = (ms: Message[]) => ms.map((m) => m.seq);

describe("archive: settled history moves to R2 and stays one history", () => {
  it("5,000 messages with a hot window of 500: paging back returns every one exactly once, in order, also for u= and type=AI", async () => {
    const room = freshRoom("arch");
    await seed(room, 4999);
    // The hot-only answer before anything is archived is the reference for every read after.
    await stubFor(room).setArchiveOptions(TINY);
    await postMessage(room, { id: "last", ...ALICE }); // the 5,000th; its alarm starts the archiving
    const reference = await allMessages(room);
    expect(reference).toHaveLength(5000);
    expect(seqs(reference)).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(reference.filter((m) => m.botParams?.status === "pending").length).toBeGreaterThan(40);

    await drainAlarms(room);

    const after = await stats(room);
    expect(after.archive?.segments).toBeGreaterThanOrEqual(44);
    expect(after.archive?.hotRows).toBeGreaterThanOrEqual(500);
    expect(after.archive?.hotRows).toBeLessThan(600);
    expect((after.archive?.hotRows ?? 0) + (after.archive?.archivedMessages ?? 0)).toBe(5000);
    expect(after.archive?.archivedBytes).toBeGreaterThan(0);
    expect(after.archive?.lastRun?.error).toBeNull();
    // Pending messages are never archived: every one of them is still a hot row.
    expect(after.queue.pending).toBe(reference.filter((m) => m.botParams?.status === "pending").length);

    expect(await pageBack(room, "", 173)).toEqual(reference);
    const conversation = reference.filter(
      (m) => (m.username === ALICE.username && m.color === ALICE.color) || m.username === EVE.username,
    );
    expect(await pageBack(room, `&u=${ALICE.username}:${ALICE.color}+${EVE.username}:${EVE.color}`, 97)).toEqual(
      conversation,
    );
    const ai = reference.filter((m) => m["message-type"] === "AI");
    expect(ai.length).toBeGreaterThan(300);
    expect(await pageBack(room, "&type=AI", 50)).toEqual(ai);
    // Polling by cursor from 0 (and so the live catch-up) continues into the archive in seq order.
    expect(await allMessages(room)).toEqual(reference);

    // A replayed POST of an archived id is a 200 replay of the stored message, not a second one.
    const firstArchived = reference[0] as Message;
    const replay = await call("POST", `/api/comments?room=${room}`, {
      body: { id: firstArchived.id, text: "again", ...ALICE },
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(firstArchived);
    const answered = reference.find((m) => m.botParams?.status === "complete" && m.seq < 1000) as Message;
    const replayAddressed = await call("POST", `/api/comments?room=${room}`, {
      body: { id: answered.id, text: "again", ...ALICE, botParams: { entity: "eve" } },
    });
    expect(replayAddressed.status).toBe(200);
    expect(replayAddressed.body).toEqual(answered);
    // Archived history is settled: a late AI answer to an archived message is refused, not stored.
    const late = await call("POST", `/api/comments?room=${room}`, {
      token: BOT_TOKEN,
      body: { text: "late answer", ...EVE, "message-type": "AI", replyTo: answered.id },
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("conflict");
    expect((await stats(room)).headSeq).toBe(5000);
    expect(await allMessages(room)).toHaveLength(5000);

    // The full export streams hot and archived history as JSON lines, in seq order.
    const exported = await exports.default.fetch(
      new Request(`https://sww.test/api/admin/export?room=${room}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    );
    expect(exported.status).toBe(200);
    const lines = new TextDecoder()
      .decode(await exported.arrayBuffer())
      .trimEnd()
      .split("\n");
    expect(lines.map((l) => JSON.parse(l) as Message)).toEqual(reference);
  }, 120_000);

  it("a process that fails between the segment write and the row delete loses and duplicates nothing; the next alarm finishes", async () => {
    const room = freshRoom("crash");
    await seed(room, 1000);
    await runDurableObjectAlarm(stubFor(room)); // the snapshot write, with nothing due yet
    const reference = await allMessages(room);
    const hotBefore = reference.filter((m) => m.botParams?.status !== "pending").length;
    expect(hotBefore).toBeGreaterThan(900);

    await runInDurableObject(stubFor(room), async (object) => {
      const room_ = object as unknown as Room;
      room_.setArchiveOptions(TINY);
      const { run } = await room_.archiveNow({
        afterWrite: () => {
          throw new Error("process killed after the R2 write");
        },
      });
      expect(run).toMatchObject({ segments: 0, messages: 0, error: "process killed after the R2 write" });
    });
    // The object is gone from memory, as after a real crash.
    await evictDurableObject(stubFor(room));
    const listed = await env.ARCHIVE.list({ prefix: `rooms/${room}/` });
    expect(listed.objects).toHaveLength(1); // written, but unknown to the index
    expect((await stats(room)).archive).toMatchObject({ segments: 0, archivedMessages: 0, hotRows: 1000 });
    expect(await allMessages(room)).toEqual(reference);
    expect(await pageBack(room, "", 200)).toEqual(reference);

    await drainAlarms(room);

    expect((await stats(room)).archive).toMatchObject({ segments: 5, archivedMessages: 500, hotRows: 500 });
    // The retry wrote the same key again: five objects, the first overwritten, none extra.
    expect((await env.ARCHIVE.list({ prefix: `rooms/${room}/` })).objects).toHaveLength(5);
    expect(await allMessages(room)).toEqual(reference);
    expect(await pageBack(room, "", 200)).toEqual(reference);
  }, 60_000);

  it("rows that change while their segment is being written stay hot with the change", async () => {
    const room = freshRoom("race");
    await seed(room, 700);
    await runDurableObjectAlarm(stubFor(room));
    const answered = (await allMessages(room)).find((m) => m.botParams?.status === "complete") as Message;
    await runInDurableObject(stubFor(room), async (object) => {
      const room_ = object as unknown as Room;
      room_.setArchiveOptions(TINY);
      // An operator removes one of the segment's messages while the segment is being written.
      const { run } = await room_.archiveNow({
        afterWrite: () => room_.remove({ messageId: answered.id, reason: "race" }, "admin"),
      });
      // The first segment no longer matched its rows, so it was not recorded, and nothing was deleted.
      expect(run.messages).toBe(0);
    });
    await drainAlarms(room);
    const stored = (await allMessages(room)).find((m) => m.id === answered.id);
    expect(stored?.removed?.reason).toBe("race");
    expect(stored?.text).toBe("");
    expect((await stats(room)).archive?.archivedMessages).toBe(200);
  }, 60_000);
});

describe("archive faults", () => {
  async function archivedRoom(total: number): Promise<{ room: string; reference: Message[] }> {
    const room = freshRoom("fault");
    await seed(room, total);
    await stubFor(room).setArchiveOptions(TINY);
    await postMessage(room, { id: "tail" });
    const reference = await allMessages(room);
    await drainAlarms(room);
    return { room, reference };
  }

  it("an R2 read that fails answers 503 with a clear error, never a short page", async () => {
    const { room } = await archivedRoom(900);
    await evictDurableObject(stubFor(room)); // empties the segment cache
    await runInDurableObject(stubFor(room), (object) => {
      // Stand in for an R2 outage: the bucket binding the archive reads through starts failing.
      const archive = (object as unknown as { archive: { bucket: Pick<R2Bucket, "get"> } }).archive;
      archive.bucket = { get: () => Promise.reject(new Error("R2 is unreachable")) };
    });
    const res = await call<{ error: string; code: string }>("GET", `/api/comments?room=${room}&before=300&limit=50`);
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("unavailable");
    expect(res.body.error).toMatch(/archive could not be read.*R2 is unreachable/);
    // Hot reads go on as before.
    const recent = await call<CommentsPage>("GET", `/api/comments?room=${room}&before=880&limit=50`);
    expect(recent.status).toBe(200);
    expect(recent.body.comments).toHaveLength(50);
  }, 60_000);

  it("a corrupt segment is named in the logs and the stats, and the rest of the history still reads", async () => {
    const { room, reference } = await archivedRoom(900);
    const objects = (await env.ARCHIVE.list({ prefix: `rooms/${room}/` })).objects.map((o) => o.key).sort();
    const damaged = objects[1] as string;
    await env.ARCHIVE.put(damaged, "not gzip at all");
    await evictDurableObject(stubFor(room));

    const history = await pageBack(room, "", 200);
    const [, first, last] = (/(\d+)-(\d+)\.json\.gz$/.exec(damaged) ?? []).map(Number);
    // Its messages are the settled ones of its seq range (pending ones in the range stayed hot).
    const lost = new Set(
      reference
        .filter((m) => m.seq >= (first ?? 0) && m.seq <= (last ?? 0) && m.botParams?.status !== "pending")
        .map((m) => m.seq),
    );
    expect(lost.size).toBe(100);
    expect(seqs(history)).toEqual(seqs(reference).filter((s) => !lost.has(s)));
    const reported = (await stats(room)).archive?.corruptSegments ?? [];
    expect(reported.map((c) => c.key)).toEqual([damaged]);
    expect(reported[0]?.error).toMatch(/does not decode/);
  }, 60_000);
});
