import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  type CommentsPage,
  type HistoryGap,
  type Message,
  MODERATION,
  type Stats,
  statsSchema,
} from "../../types";
import type { Room } from "../room";
import type { Archive } from "../room/archive";
import { decodeSegment } from "../room/segment-codec";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, freshRoom, postMessage } from "./client";
import { LiveClient } from "./live-client";
import { advanceRoomClock } from "./room-time";

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
    // The admin's export is whole: its reference is the admin's read (raw failure reasons included).
    const whole = await allMessages(room, ADMIN_TOKEN);
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

    // A replayed POST of an archived id with its content is a 200 replay of the stored message,
    // not a second one; another message under that id is 409, as for a hot one.
    const firstArchived = reference[0] as Message;
    const own = {
      id: firstArchived.id,
      text: firstArchived.text,
      username: firstArchived.username,
      color: firstArchived.color,
    };
    const replay = await call("POST", `/api/comments?room=${room}`, { body: own });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(firstArchived);
    for (const other of [{ text: "again" }, ALICE, { botParams: { entity: "eve" } }]) {
      const forged = await call("POST", `/api/comments?room=${room}`, { body: { ...own, ...other } });
      expect(forged.status, JSON.stringify(other)).toBe(409);
      expect(forged.body.code).toBe("conflict");
    }
    const answered = reference.find((m) => m.botParams?.status === "complete" && m.seq < 1000) as Message;
    const answeredOwn = {
      id: answered.id,
      text: answered.text,
      username: answered.username,
      color: answered.color,
      botParams: { entity: "eve" },
    };
    const replayAddressed = await call("POST", `/api/comments?room=${room}`, { body: answeredOwn });
    expect(replayAddressed.status).toBe(200);
    expect(replayAddressed.body).toEqual(answered);
    const forgedAddressed = await call("POST", `/api/comments?room=${room}`, {
      body: { ...answeredOwn, text: "again", ...ALICE },
    });
    expect(forgedAddressed.status).toBe(409);
    expect(forgedAddressed.body.code).toBe("conflict");
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
    expect(lines.map((l) => JSON.parse(l) as Message)).toEqual(whole);
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
    expect(reported[0]).toMatchObject({ fromSeq: first, toSeq: last, messages: 100, reason: "corrupt" });
  }, 60_000);

  /** Every seq a list of gaps names, one by one. */
  const gapSeqs = (gaps: HistoryGap[] | undefined) =>
    (gaps ?? []).flatMap((g) => Array.from({ length: g.toSeq - g.fromSeq + 1 }, (_, i) => g.fromSeq + i));

  /** The export, split into its message lines and its gap lines. */
  async function exportParts(room: string): Promise<{ status: number; messages: Message[]; gaps: HistoryGap[] }> {
    const res = await exports.default.fetch(
      new Request(`https://sww.test/api/admin/export?room=${room}`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    );
    const lines = new TextDecoder()
      .decode(await res.arrayBuffer())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Message | { gap: HistoryGap });
    return {
      status: res.status,
      messages: lines.filter((l): l is Message => !("gap" in l)),
      gaps: lines.flatMap((l) => ("gap" in l ? [l.gap] : [])),
    };
  }

  for (const damage of ["corrupt", "missing"] as const) {
    it(`a ${damage} segment: every read and the export that reach it say exactly which seqs are missing; the rest of the room is served`, async () => {
      const { room, reference } = await archivedRoom(900);
      const objects = (await env.ARCHIVE.list({ prefix: `rooms/${room}/` })).objects.map((o) => o.key).sort();
      const damaged = objects[1] as string;
      if (damage === "corrupt") await env.ARCHIVE.put(damaged, "not gzip at all");
      else await env.ARCHIVE.delete(damaged);
      await evictDurableObject(stubFor(room));
      const [, first = 0, last = 0] = (/(\d+)-(\d+)\.json\.gz$/.exec(damaged) ?? []).map(Number);
      const lost = reference
        .filter((m) => m.seq >= first && m.seq <= last && m.botParams?.status !== "pending")
        .map((m) => m.seq);
      expect(lost).toHaveLength(100);

      // "Load more" back through the damage: the page that spans it lists exactly the lost seqs.
      const page = await call<CommentsPage>("GET", `/api/comments?room=${room}&before=${last + 20}&limit=50`);
      expect(page.status).toBe(200);
      expect(page.body.gaps?.every((g) => g.reason === damage)).toBe(true);
      expect(gapSeqs(page.body.gaps)).toEqual(lost);
      // Around it, everything is there: the 50 newest below before=, with the hot (pending) ones inside the range.
      const expected = reference.filter((m) => m.seq < last + 20 && !lost.includes(m.seq)).slice(-50);
      expect(seqs(page.body.comments)).toEqual(seqs(expected));
      // A page wholly above or below the damage carries no gaps at all.
      const above = await call<CommentsPage>("GET", `/api/comments?room=${room}&before=${last + 300}&limit=50`);
      expect(above.body.gaps).toBeUndefined();
      const below = await call<CommentsPage>("GET", `/api/comments?room=${room}&before=${first - 10}&limit=20`);
      expect(below.body.gaps).toBeUndefined();
      expect(below.body.comments).toHaveLength(20);

      // Cursor reads (polling, catch-up) from the start: over all pages, the gaps name exactly the lost seqs once.
      const polled: Message[] = [];
      const polledGaps: HistoryGap[] = [];
      for (let cursor = 0, pages = 0; pages < 100; pages++) {
        const res = await call<CommentsPage>("GET", `/api/comments?room=${room}&cursor=${cursor}&limit=120`);
        expect(res.status).toBe(200);
        polled.push(...res.body.comments);
        polledGaps.push(...(res.body.gaps ?? []));
        if (!res.body.hasMore) break;
        cursor = res.body.cursor;
      }
      expect(gapSeqs(polledGaps)).toEqual(lost);
      expect(seqs(polled)).toEqual(seqs(reference).filter((s) => !lost.includes(s)));
      // A filtered read (u=) that reaches the damage says so too, since the segment held Alice's messages.
      const alice = await call<CommentsPage>(
        "GET",
        `/api/comments?room=${room}&u=Alice:200100050&before=${last + 1}&limit=10`,
      );
      expect(gapSeqs(alice.body.gaps)).toEqual(lost);

      // The export: every readable message once in seq order, and gap lines naming exactly the lost seqs.
      const exported = await exportParts(room);
      expect(exported.status).toBe(200);
      expect(seqs(exported.messages)).toEqual(seqs(reference).filter((s) => !lost.includes(s)));
      expect(gapSeqs(exported.gaps)).toEqual(lost);
      expect(exported.gaps.every((g) => g.reason === damage)).toBe(true);

      // The monitor's stats name the segment, its seqs and why.
      const reported = (await stats(room)).archive?.corruptSegments ?? [];
      expect(reported).toEqual([
        expect.objectContaining({ key: damaged, fromSeq: first, toSeq: last, messages: 100, reason: damage }),
      ]);

      // The room goes on: a post is taken and the recent window is whole.
      expect(
        (await call("POST", `/api/comments?room=${room}`, { body: { text: "still here", ...ALICE } })).status,
      ).toBe(201);
      const recent = await call<CommentsPage>("GET", `/api/comments?room=${room}&limit=50`);
      expect(recent.status).toBe(200);
      expect(recent.body.gaps).toBeUndefined();
      expect(recent.body.comments.at(-1)?.text).toBe("still here");
    }, 90_000);
  }
});

describe("removing an archived message (issues #11/#14)", () => {
  const admin = (room: string, route: "remove" | "restore", body: unknown) =>
    call<{ success: true; message: Message; changed: boolean; code?: string; error?: string }>(
      "POST",
      `/api/admin/${route}?room=${room}`,
      { body, token: ADMIN_TOKEN },
    );

  async function exportOf(room: string): Promise<Message[]> {
    const res = await exports.default.fetch(
      new Request(`https://sww.test/api/admin/export?room=${room}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }),
    );
    expect(res.status).toBe(200);
    const text = new TextDecoder().decode(await res.arrayBuffer()).trimEnd();
    return text.split("\n").map((l) => JSON.parse(l) as Message);
  }

  async function auditActions(room: string): Promise<string[][]> {
    const res = await call<{ entries: AuditEntry[] }>("GET", `/api/admin/audit?room=${room}`, { token: ADMIN_TOKEN });
    return res.body.entries.map((e) => [e.action, e.target, e.reason]);
  }

  /** 900 seeded messages and a hot window of 500: the first four segments are in R2. */
  async function archivedRoom(label: string, beforeArchive?: (room: string) => Promise<void>) {
    const room = freshRoom(label);
    await seed(room, 900);
    await beforeArchive?.(room);
    await stubFor(room).setArchiveOptions(TINY);
    await postMessage(room, { id: "tail" });
    const reference = await allMessages(room);
    // What the admin's export must hold: the messages whole (raw failure reasons included).
    const whole = await allMessages(room, ADMIN_TOKEN);
    await drainAlarms(room);
    const floor = await runInDurableObject(stubFor(room), (o) => (o as unknown as { archive: Archive }).archive.floor);
    expect(floor).toBeGreaterThanOrEqual(300);
    // An archived message of Alice's with text of its own (the seed never repeats one).
    const target = reference.find((m) => m.username === ALICE.username && m.seq > 150 && m.seq < floor) as Message;
    expect(reference.filter((m) => m.text === target.text)).toHaveLength(1);
    return { room, reference, whole, target, floor };
  }

  /** The R2 object of the segment holding `seq`, decoded as stored. */
  async function rawSegment(room: string, seq: number): Promise<{ key: string; raw: string; messages: Message[] }> {
    const keys = (await env.ARCHIVE.list({ prefix: `rooms/${room}/` })).objects.map((o) => o.key);
    for (const key of keys) {
      const [, first, last] = (/(\d+)-(\d+)\.json\.gz$/.exec(key) ?? []).map(Number);
      if (first === undefined || last === undefined || seq < first || seq > last) continue;
      const object = await env.ARCHIVE.get(key);
      const bytes = await (object as R2ObjectBody).arrayBuffer();
      const raw = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
      const count = (JSON.parse(raw) as { messages: unknown[] }).messages.length;
      const segment = await decodeSegment(key, bytes, { firstSeq: first, lastSeq: last, count });
      return { key, raw, messages: segment.messages };
    }
    throw new Error(`no segment holds seq ${seq}`);
  }

  const conversationQuery = `&u=${ALICE.username}:${ALICE.color}+${EVE.username}:${EVE.color}`;
  const inConversation = (m: Message) =>
    (m.username === ALICE.username && m.color === ALICE.color) ||
    (m.username === EVE.username && m.color === EVE.color);

  it("remove: 200 and a tombstone in before= pages, u=, type=, cursor polling, the export, the change log and live sockets; nothing else changes", async () => {
    const { room, reference, whole, target } = await archivedRoom("arm");
    const secret = JSON.stringify(target.text);
    const watcher = await LiveClient.open(room);
    await watcher.until(() => watcher.of("hello").length === 1, "hello");
    const before = await call<CommentsPage>("GET", `/api/comments?room=${room}&limit=10`);

    const res = await admin(room, "remove", { messageId: target.id, reason: "abuse" });
    expect(res.status).toBe(200);
    expect(res.body.changed).toBe(true);
    const tomb = res.body.message;
    // The shape a hot removal leaves: seq, id, time, type and queue state stay; text, identity and context go.
    const { context: _context, ...kept } = target;
    expect(tomb).toEqual({
      ...kept,
      text: "",
      username: "",
      color: "",
      removed: { reason: "abuse", at: expect.any(Number) },
    });
    const expected = reference.map((m) => (m.id === target.id ? tomb : m));

    // A live subscriber replaces it at once.
    await watcher.until(() => watcher.of("updated").length === 1, "updated");
    expect(watcher.of("updated")[0]?.messages).toEqual([tomb]);
    watcher.close();

    const check = async () => {
      expect(await pageBack(room, "", 173)).toEqual(expected);
      expect(await allMessages(room)).toEqual(expected);
      expect(await pageBack(room, "&type=human", 61)).toEqual(expected.filter((m) => m["message-type"] === "human"));
      // A tombstone has no author left, so a conversation drops it (as for a hot removal).
      const conversation = await pageBack(room, conversationQuery, 97);
      expect(conversation).toEqual(expected.filter(inConversation));
      expect(JSON.stringify(conversation)).not.toContain(secret);
      expect(await exportOf(room)).toEqual(whole.map((m) => (m.id === target.id ? tomb : m)));
      // A poller that saw the room before the removal is told about it.
      const next = await call<CommentsPage>(
        "GET",
        `/api/comments?room=${room}&cursor=${before.body.cursor}&rev=${before.body.rev}`,
      );
      expect(next.body.updated).toEqual([tomb]);
    };
    await check();
    // From SQLite and R2 alone, with no segment cached.
    await evictDurableObject(stubFor(room));
    await check();

    // A live socket resuming from cursor 0: below the hot window it is sent to HTTP history (which
    // shows the tombstone), and the change log since rev 0 hands it the tombstone; never the text.
    const resumer = await LiveClient.open(room, "cursor=0&rev=0");
    await resumer.until(() => resumer.of("updated").length === 1, "updated from the change log");
    expect(resumer.of("error").map((e) => e.code)).toEqual(["cursor_archived"]);
    expect(resumer.of("updated")[0]?.messages).toEqual([tomb]);
    expect(JSON.stringify(resumer.events)).not.toContain(secret);
    resumer.close();

    // A replay changes nothing and is not audited again.
    const again = await admin(room, "remove", { messageId: target.id, reason: "other" });
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    expect(again.body.message).toEqual(tomb);
    expect(await auditActions(room)).toEqual([["remove", `message:${target.id}`, "abuse"]]);
    expect(await allMessages(room)).toEqual(expected);
  }, 60_000);

  it("restore within the grace period brings the text back everywhere; after it the alarm writes the tombstone into the segment and restore is 409", async () => {
    const { room, reference, whole, target } = await archivedRoom("ars");
    const secret = JSON.stringify(target.text);
    const segmentBefore = await rawSegment(room, target.seq);
    expect(segmentBefore.raw).toContain(secret);

    await admin(room, "remove", { messageId: target.id, reason: "mistake" });
    const seen = await call<CommentsPage>("GET", `/api/comments?room=${room}&limit=10&rev=0`);
    await evictDurableObject(stubFor(room));
    const watcher = await LiveClient.open(room);
    await watcher.until(() => watcher.of("hello").length === 1, "hello");
    const restored = await admin(room, "restore", { messageId: target.id });
    expect(restored.status).toBe(200);
    expect(restored.body.changed).toBe(true);
    expect(restored.body.message).toEqual(target);
    await watcher.until(() => watcher.of("updated").length === 1, "updated");
    expect(watcher.of("updated")[0]?.messages).toEqual([target]);
    watcher.close();
    await evictDurableObject(stubFor(room));
    expect(await allMessages(room)).toEqual(reference);
    expect(await pageBack(room, "", 200)).toEqual(reference);
    expect(await pageBack(room, conversationQuery, 97)).toEqual(reference.filter(inConversation));
    expect(await exportOf(room)).toEqual(whole);
    const next = await call<CommentsPage>(
      "GET",
      `/api/comments?room=${room}&cursor=${seen.body.cursor}&rev=${seen.body.rev}`,
    );
    expect(next.body.updated).toEqual([target]);
    expect((await admin(room, "restore", { messageId: target.id })).body.changed).toBe(false);
    // The segment was never touched.
    expect((await rawSegment(room, target.seq)).raw).toBe(segmentBefore.raw);

    // Removed again, and this time left past the grace period.
    const removed = await admin(room, "remove", { messageId: target.id, reason: "abuse" });
    const tomb = removed.body.message;
    const expected = reference.map((m) => (m.id === target.id ? tomb : m));
    await advanceRoomClock(room, MODERATION.graceMs + 1_000);
    // The alarm (as Cloudflare would run it); one may also be running on its own at this moment.
    for (let i = 0; i < 100 && (await rawSegment(room, target.seq)).raw.includes(secret); i++) {
      if (!(await runDurableObjectAlarm(stubFor(room)))) await new Promise((resolve) => setTimeout(resolve, 25));
    }

    const after = await rawSegment(room, target.seq);
    expect(after.key).toBe(segmentBefore.key);
    expect(after.raw).not.toContain(secret);
    // Same key, same range, every other message exactly as it was; the removed one is the tombstone.
    expect(after.messages).toEqual(segmentBefore.messages.map((m) => (m.id === target.id ? tomb : m)));
    expect((await stats(room)).archive?.archivedBytes).toBeGreaterThan(0);

    const late = await admin(room, "restore", { messageId: target.id });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("conflict");
    expect(late.body.error).toMatch(/gone for good/);
    await evictDurableObject(stubFor(room));
    expect(await pageBack(room, "", 173)).toEqual(expected);
    expect(await exportOf(room)).toEqual(whole.map((m) => (m.id === target.id ? tomb : m)));
    // Another alarm has nothing left to rewrite: the object stays as it is.
    await runDurableObjectAlarm(stubFor(room));
    expect((await rawSegment(room, target.seq)).raw).toBe(after.raw);
    expect(await auditActions(room)).toEqual([
      ["remove", `message:${target.id}`, "mistake"],
      ["restore", `message:${target.id}`, ""],
      ["remove", `message:${target.id}`, "abuse"],
    ]);
  }, 60_000);

  it("a process that fails between the segment rewrite and marking the removal purged loses nothing; the next alarm finishes it", async () => {
    const { room, reference, target } = await archivedRoom("arc");
    const secret = JSON.stringify(target.text);
    const removed = await admin(room, "remove", { messageId: target.id, reason: "abuse" });
    const expected = reference.map((m) => (m.id === target.id ? removed.body.message : m));
    const original = await rawSegment(room, target.seq);
    const state = () =>
      runInDurableObject(stubFor(room), (_o, s) => ({
        purged: s.storage.sql.exec("SELECT COUNT(*) AS n FROM archived_removals WHERE purged_at IS NOT NULL").one().n,
        bytes: s.storage.sql.exec("SELECT SUM(bytes) AS b FROM archive_segments").one().b,
      }));
    const bytesBefore = (await state()).bytes as number;
    const sizeBefore = (await env.ARCHIVE.head(original.key))?.size ?? 0;

    await runInDurableObject(stubFor(room), async (object, objectState) => {
      const o = object as unknown as { archive: Archive; clock: { now(): number; advance(ms: number): void } };
      // No alarm of the room's own (a snapshot write, say) may purge first: this one must fail.
      await objectState.storage.deleteAlarm();
      o.clock.advance(MODERATION.graceMs + 1_000);
      await expect(
        o.archive.purgeRemovals(o.clock.now(), 4, {
          afterWrite: () => {
            throw new Error("process killed after the R2 write");
          },
        }),
      ).rejects.toThrow("process killed");
    });
    await evictDurableObject(stubFor(room));
    // The object already has the tombstone; the index does not know yet, and reads are the same.
    const rewritten = await rawSegment(room, target.seq);
    expect(rewritten.raw).not.toContain(secret);
    expect(await state()).toEqual({ purged: 0, bytes: bytesBefore });
    expect(await pageBack(room, "", 173)).toEqual(expected);

    // The next alarm (the restarted object's clock is moved past the grace period again) writes
    // the same bytes again and marks it.
    await advanceRoomClock(room, MODERATION.graceMs + 1_000);
    await runInDurableObject(stubFor(room), (_object, objectState) => objectState.storage.setAlarm(Date.now()));
    for (let i = 0; i < 100 && (await state()).purged === 0; i++) {
      if (!(await runDurableObjectAlarm(stubFor(room)))) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const after = await rawSegment(room, target.seq);
    expect(after.raw).toBe(rewritten.raw);
    expect(after.messages).toEqual(original.messages.map((m) => (m.id === target.id ? removed.body.message : m)));
    const done = await state();
    expect(done.purged).toBe(1);
    // The index's byte count follows the rewritten object.
    const sizeAfter = (await env.ARCHIVE.head(after.key))?.size ?? 0;
    expect(done.bytes).toBe(bytesBefore - sizeBefore + sizeAfter);
    expect((await stats(room)).archive?.archivedBytes).toBe(done.bytes);
    expect(await allMessages(room)).toEqual(expected);
  }, 60_000);

  it("an id stored nowhere is 404, one in a damaged segment 503; a message removed before it was archived cannot be restored", async () => {
    const { room, reference, target } = await archivedRoom("arx", async (r) => {
      // Removed while hot, then archived as a tombstone.
      const res = await admin(r, "remove", { messageId: "m7", reason: "spam" });
      expect(res.status).toBe(200);
    });
    expect((await admin(room, "remove", { messageId: "nowhere" })).status).toBe(404);
    expect((await admin(room, "restore", { messageId: "nowhere" })).status).toBe(404);

    const early = reference.find((m) => m.id === "m7") as Message;
    expect(early.removed?.reason).toBe("spam");
    const replay = await admin(room, "remove", { messageId: "m7", reason: "again" });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ changed: false, message: early });
    const restore = await admin(room, "restore", { messageId: "m7" });
    expect(restore.status).toBe(409);
    expect(restore.body.code).toBe("conflict");

    const { key } = await rawSegment(room, target.seq);
    await env.ARCHIVE.put(key, "not gzip at all");
    await evictDurableObject(stubFor(room));
    for (const route of ["remove", "restore"] as const) {
      const res = await admin(room, route, { messageId: target.id });
      expect(res.status, route).toBe(503);
      expect(res.body.code, route).toBe("unavailable");
      expect(res.body.error, route).toMatch(/damaged archive segment/);
    }
    expect(await auditActions(room)).toEqual([["remove", "message:m7", "spam"]]);
  }, 60_000);
});
