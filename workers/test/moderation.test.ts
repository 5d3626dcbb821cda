import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type AuditEntry, type CommentsPage, type Message, MODERATION, type Mute } from "../../types";
import type { Room } from "../room";
import { snapshotKey, snapshotSchema } from "../snapshot";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, claimNext, freshRoom, human, postMessage } from "./client";
import { flushSnapshot } from "./room-time";

const stubFor = (room: string) => env.ROOM.get(env.ROOM.idFromName(room)) as unknown as DurableObjectStub<Room>;
const admin = (room: string, route: string, body?: unknown) =>
  call("POST", `/api/admin/${route}?room=${room}`, { body, token: ADMIN_TOKEN });
const page = (room: string, query: string) => call<CommentsPage>("GET", `/api/comments?room=${room}&${query}`);

describe("removing a message", () => {
  it("leaves a tombstone that keeps seq and id; a poll from before it gets the tombstone in order, nothing missing", async () => {
    const room = freshRoom("rm");
    for (let i = 1; i <= 5; i++) await postMessage(room, { id: `m${i}`, text: `text ${i}` });
    const before = await page(room, "cursor=1&rev=0");
    const res = await admin(room, "remove", { messageId: "m3", reason: "spam" });
    expect(res.status).toBe(200);
    expect(res.body.changed).toBe(true);
    expect(res.body.message).toMatchObject({ id: "m3", seq: 3, text: "", username: "", color: "" });
    expect(res.body.message.removed).toEqual({ reason: "spam", at: expect.any(Number) });

    // A client that polls from a cursor before the removal gets every seq, the tombstone in place.
    const after = await page(room, "cursor=1");
    expect(after.body.comments.map((m) => m.seq)).toEqual([2, 3, 4, 5]);
    const tomb = after.body.comments[1]!;
    expect(tomb).toMatchObject({ id: "m3", text: "", username: "", color: "" });
    expect(tomb.removed?.reason).toBe("spam");
    expect(JSON.stringify(after.body)).not.toContain("text 3");
    // The one it saw before is replaced at its next poll, even though it is past that seq.
    const next = await page(room, `cursor=${before.body.cursor}&rev=${before.body.rev}`);
    expect(next.body.comments).toEqual([]);
    expect(next.body.updated?.map((m) => m.id)).toEqual(["m3"]);
    expect(next.body.rev).toBeGreaterThan(before.body.rev ?? 0);
    // And once caught up, nothing more.
    const idle = await page(room, `cursor=${next.body.cursor}&rev=${next.body.rev}`);
    expect(idle.body.updated).toEqual([]);
  });

  it("the KV snapshot and GET /api/comments never return the removed text, even from a stale snapshot", async () => {
    const room = freshRoom("rmsnap");
    await postMessage(room, { id: "ok1", text: "fine words" });
    await postMessage(room, { id: "bad", text: "SECRET-ABUSE" });
    await postMessage(room, { id: "ok2", text: "more fine words", context: ["Alice: SECRET-ABUSE", "Bob: hi"] });
    await flushSnapshot(room);
    expect(await env.SNAPSHOTS.get(snapshotKey(room))).toContain("SECRET-ABUSE");

    expect((await admin(room, "remove", { messageId: "bad", reason: "abuse" })).status).toBe(200);
    // Before the snapshot is rewritten, the window served from KV already carries the tombstone.
    expect(await env.SNAPSHOTS.get(snapshotKey(room))).toContain("SECRET-ABUSE");
    const stale = await page(room, "limit=50");
    expect(stale.body.comments.map((m) => m.id)).toEqual(["ok1", "bad", "ok2"]);
    expect(JSON.stringify(stale.body)).not.toContain("SECRET-ABUSE");
    // The quote of it in a later message's context is scrubbed too.
    expect(stale.body.comments[2]?.context).toEqual(["Bob: hi"]);

    await flushSnapshot(room);
    const raw = (await env.SNAPSHOTS.get(snapshotKey(room))) ?? "";
    expect(raw).not.toContain("SECRET-ABUSE");
    expect(snapshotSchema.parse(JSON.parse(raw)).comments.find((m) => m.id === "bad")?.removed?.reason).toBe("abuse");

    for (const q of ["limit=50", "cursor=0", "before=4", "after=0", "type=human&limit=10", "u=Alice:200100050"]) {
      const res = await page(room, q);
      expect(res.status, q).toBe(200);
      expect(JSON.stringify(res.body), q).not.toContain("SECRET-ABUSE");
    }
    // Legacy timestamp polling, whose clients know no tombstones, leaves the row out.
    const legacy = await call<Message[]>("GET", `/api/comments?room=${room}&after=0`);
    expect(legacy.body.map((m) => m.id).sort()).toEqual(["ok1", "ok2"]);
    const status = await call("GET", `/api/comments/status?room=${room}&ids=bad`);
    expect(JSON.stringify(status.body)).not.toContain("SECRET-ABUSE");
  });

  it("an addressed message removed while processing ends failed with 'removed'; the bot's late complete is 409 and stores nothing", async () => {
    const room = freshRoom("rmq");
    await postMessage(room, { id: "ask", text: "answer me", botParams: { entity: "eve" } });
    await postMessage(room, {
      id: "ask2",
      text: "me too",
      botParams: { entity: "eve" },
      context: ["Alice: answer me"],
    });
    const claim = await claimNext(room, "bot-1", { entities: ["eve"] });
    expect(claim.body.message.id).toBe("ask");

    const res = await admin(room, "remove", { messageId: "ask", reason: "abuse" });
    expect(res.body.message.botParams).toMatchObject({ status: "failed", error: "removed", claimedBy: null });
    // The pending message that quoted it no longer carries its line to the bot.
    const pending = await call("GET", `/api/queue/pending?room=${room}`, { token: BOT_TOKEN });
    expect(pending.body.pending.map((m: Message) => [m.id, m.context])).toEqual([["ask2", []]]);

    const late = await call("POST", `/api/queue/complete?room=${room}`, {
      body: { messageId: "ask", leaseToken: claim.body.lease.token, reply: { text: "too late" } },
      token: BOT_TOKEN,
    });
    expect(late.status).toBe(409);
    const heartbeat = await call("POST", `/api/queue/heartbeat?room=${room}`, {
      body: { messageId: "ask", leaseToken: claim.body.lease.token },
      token: BOT_TOKEN,
    });
    expect(heartbeat.status).toBe(409);
    // Nor can a reply be posted for it.
    const posted = await call("POST", `/api/comments?room=${room}`, {
      body: human({ "message-type": "AI", replyTo: "ask", text: "sneaky", username: "eve" }),
      token: BOT_TOKEN,
    });
    expect(posted.status).toBe(409);
    const all = await allMessages(room);
    expect(all.map((m) => m.id)).toEqual(["ask", "ask2"]);
    expect(all.some((m) => m.text.includes("too late") || m.text.includes("sneaky"))).toBe(false);
    const stats = await call("GET", `/api/stats?room=${room}`);
    expect(stats.body.queue).toMatchObject({ processing: 0, failed: 1, pending: 1 });
  });

  it("bad input: unknown id 404, twice is a harmless replay, a long reason 400, no admin token 401/403, and nothing changes", async () => {
    const room = freshRoom("rmbad");
    await postMessage(room, { id: "m1", text: "keep me" });
    expect((await admin(room, "remove", { messageId: "nope" })).status).toBe(404);
    const tooLong = await admin(room, "remove", { messageId: "m1", reason: "x".repeat(MODERATION.reasonMax + 1) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe("invalid_input");
    expect((await allMessages(room))[0]?.text).toBe("keep me");

    const routes: [string, string, unknown?][] = [
      ["POST", "remove", { messageId: "m1" }],
      ["POST", "restore", { messageId: "m1" }],
      ["POST", "mute", { target: { address: "1.2.3.4" }, minutes: 5 }],
      ["POST", "unmute", { target: { address: "1.2.3.4" } }],
      ["GET", "mutes"],
      ["GET", "audit"],
    ];
    for (const [method, route, body] of routes) {
      const path = `/api/admin/${route}?room=${room}`;
      expect((await call(method, path, { body })).status, route).toBe(401);
      expect((await call(method, path, { body, token: BOT_TOKEN })).status, route).toBe(403);
    }
    expect((await allMessages(room))[0]?.text).toBe("keep me");

    const first = await admin(room, "remove", { messageId: "m1", reason: "spam" });
    const again = await admin(room, "remove", { messageId: "m1", reason: "other" });
    expect(again.status).toBe(200);
    expect(again.body.changed).toBe(false);
    expect(again.body.message).toEqual(first.body.message);
    const audit = await call<{ entries: AuditEntry[] }>("GET", `/api/admin/audit?room=${room}`, { token: ADMIN_TOKEN });
    expect(audit.body.entries.map((e) => e.action)).toEqual(["remove"]);
  });
});

describe("restoring a removal", () => {
  it("within the grace period brings the message back whole, and back into the queue", async () => {
    const room = freshRoom("rs");
    const original = await postMessage(room, {
      id: "q1",
      text: "oops, fine after all",
      context: ["Bob: hi"],
      botParams: { entity: "eve", priority: 7 },
    });
    await admin(room, "remove", { messageId: "q1", reason: "mistake" });
    const cursor = await page(room, "cursor=0&rev=0");
    const res = await admin(room, "restore", { messageId: "q1" });
    expect(res.status).toBe(200);
    expect(res.body.changed).toBe(true);
    const restored = (await allMessages(room))[0]!;
    expect(restored).toEqual(original);
    expect(restored.removed).toBeUndefined();
    // Pollers past it learn of the restore.
    const next = await page(room, `cursor=${cursor.body.cursor}&rev=${cursor.body.rev}`);
    expect(next.body.updated?.[0]).toEqual(original);
    // It can be answered again.
    expect((await claimNext(room, "bot-1", { entities: ["eve"] })).body.message.id).toBe("q1");
    // A second restore is a harmless replay.
    expect((await admin(room, "restore", { messageId: "q1" })).body.changed).toBe(false);
  });

  it("after the grace period the text is gone for good: restore is 409 and the alarm purged what it kept", async () => {
    const room = freshRoom("rsx");
    await postMessage(room, { id: "g1", text: "gone later" });
    await admin(room, "remove", { messageId: "g1", reason: "spam" });
    const stub = stubFor(room);
    // The clock is injected: no ten-minute sleep.
    const kept = await runInDurableObject(stub, (_room, state) => {
      const later = Date.now() + MODERATION.graceMs + 1;
      const internals = _room as unknown as {
        removals: { purgeExpired(now: number): number; restore(id: string, op: string, now: number): unknown };
      };
      let refused = "";
      try {
        internals.removals.restore("g1", "admin", later);
      } catch (error) {
        refused = (error as Error).message;
      }
      const purged = internals.removals.purgeExpired(later);
      const left = state.storage.sql.exec("SELECT COUNT(*) AS n FROM removals").one().n;
      const text = state.storage.sql.exec("SELECT text FROM messages WHERE id = 'g1'").one().text;
      return { refused, purged, left, text };
    });
    expect(kept.refused).toMatch(/gone for good/);
    expect(kept).toMatchObject({ purged: 1, left: 0, text: "" });
    const res = await admin(room, "restore", { messageId: "g1" });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("conflict");
  });
});

describe("muting", () => {
  const from = (address: string) => ({ "cf-connecting-ip": address });

  it("a muted address gets 403 muted until the mute ends, nothing stored; eviction keeps it; unmute lifts it at once", async () => {
    const room = freshRoom("mute");
    const mute = await admin(room, "mute", { target: { address: "203.0.113.9" }, minutes: 30, reason: "flooding" });
    expect(mute.status).toBe(200);
    const until = (mute.body.mute as Mute).until;
    expect(until).toBeGreaterThan(Date.now() + 29 * 60_000);

    const attempt = async (i: number) =>
      call("POST", `/api/comments?room=${room}`, {
        body: human({ id: `x${i}`, text: `flood ${i}` }),
        headers: from("203.0.113.9"),
      });
    for (let i = 0; i < 3; i++) {
      const res = await attempt(i);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("muted");
      expect(res.body.error).toContain(new Date(until).toISOString());
    }
    // Another address posts fine.
    const other = await call("POST", `/api/comments?room=${room}`, {
      body: human({ id: "ok" }),
      headers: from("198.51.100.1"),
    });
    expect(other.status).toBe(201);

    await evictDurableObject(stubFor(room));
    expect((await attempt(3)).status).toBe(403);
    expect((await allMessages(room)).map((m) => m.id)).toEqual(["ok"]);

    const lifted = await admin(room, "unmute", { target: { address: "203.0.113.9" } });
    expect(lifted.body.lifted).toBe(true);
    expect((await attempt(4)).status).toBe(201);
  });

  it("a mute ends by itself at its time (injected clock), and an identity mute stops that exact name and color only", async () => {
    const room = freshRoom("mutei");
    await admin(room, "mute", { target: { username: "Troll", color: "255000000" }, minutes: 1, reason: "abuse" });
    const post = (over: Record<string, unknown>) =>
      call("POST", `/api/comments?room=${room}`, { body: human({ username: "Troll", color: "255000000", ...over }) });
    const refused = await post({ id: "t1" });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("muted");
    expect((await post({ id: "t2", color: "255000001" })).status).toBe(201);
    const listed = await call<{ mutes: Mute[] }>("GET", `/api/admin/mutes?room=${room}`, { token: ADMIN_TOKEN });
    expect(listed.body.mutes.map((m) => m.target)).toEqual([{ username: "Troll", color: "255000000" }]);

    const expired = await runInDurableObject(stubFor(room), (r) => {
      const mutes = (r as unknown as { mutes: { check(p: object, now: number): void } }).mutes;
      const post = { address: "local", username: "Troll", color: "255000000" };
      const outcome = (now: number) => {
        try {
          mutes.check(post, now);
          return "allowed";
        } catch {
          return "muted";
        }
      };
      return [outcome(Date.now() + 59_000), outcome(Date.now() + 61_000)];
    });
    expect(expired).toEqual(["muted", "allowed"]);
  });

  it("mutes whoever posted a message, by its id, without the operator ever seeing the address", async () => {
    const room = freshRoom("mutem");
    const post = (id: string, address: string) =>
      call("POST", `/api/comments?room=${room}`, {
        body: human({ id, text: `from ${address}` }),
        headers: from(address),
      });
    expect((await post("abuse", "192.0.2.50")).status).toBe(201);
    await postMessage(room, { id: "by-token" }, BOT_TOKEN);
    expect((await admin(room, "remove", { messageId: "abuse", reason: "abuse" })).status).toBe(200);

    const muted = await admin(room, "mute", { target: { messageId: "abuse" }, minutes: 60, reason: "abuse" });
    expect(muted.status).toBe(200);
    expect((await post("again", "192.0.2.50")).body.code).toBe("muted");
    expect((await post("other", "192.0.2.51")).status).toBe(201);
    // Nothing public tells the address.
    expect(JSON.stringify((await page(room, "cursor=0")).body)).not.toContain("192.0.2.50");

    for (const messageId of ["missing", "by-token"]) {
      const res = await admin(room, "mute", { target: { messageId }, minutes: 5 });
      expect(res.status, messageId).toBe(404);
    }
  });

  it("mutes a name, not its spelling: a decomposed é and a composed é are one identity; an invisible twin is refused", async () => {
    const room = freshRoom("mutenfc");
    const color = "255000000";
    const decomposed = "Rene\u0301"; // e + combining acute
    const composed = "Ren\u00E9";
    const mute = await admin(room, "mute", { target: { username: decomposed, color }, minutes: 10, reason: "abuse" });
    expect(mute.status).toBe(200);
    // What is stored (and listed) is the normalized name.
    expect((mute.body.mute as Mute).target).toEqual({ username: composed, color });

    const post = (id: string, username: string, type = "human") =>
      call("POST", `/api/comments?room=${room}`, { body: human({ id, username, color, "message-type": type }) });
    for (const [id, name] of [
      ["nfc", composed],
      ["nfd", decomposed],
    ] as const) {
      const refused = await post(id, name);
      expect(refused.status, id).toBe(403);
      expect(refused.body.code, id).toBe("muted");
    }
    // The way around a mute by an invisible twin is closed: the name is refused outright.
    const twin = await post("twin", `${composed}\u200B`);
    expect(twin.status).toBe(400);
    expect(twin.body.code).toBe("invalid_input");
    expect(twin.body.error).toContain("username cannot contain invisible characters (U+200B)");
    // A mute target with an invisible character is refused the same way, and nothing is muted.
    const badMute = await admin(room, "mute", { target: { username: "troll\u200B", color }, minutes: 5 });
    expect(badMute.status).toBe(400);
    expect(String(badMute.body.error)).toContain("U+200B");
    const listed = await call<{ mutes: Mute[] }>("GET", `/api/admin/mutes?room=${room}`, { token: ADMIN_TOKEN });
    expect(listed.body.mutes.map((m) => m.target)).toEqual([{ username: composed, color }]);
    // Unmuting by the other spelling lifts the same mute.
    expect((await admin(room, "unmute", { target: { username: composed, color } })).body.lifted).toBe(true);
    const after = await post("after", decomposed);
    expect(after.status).toBe(201);
    expect((after.body as unknown as Message).username).toBe(composed);
  });

  it("rejects a bad mute: unknown target shape, zero minutes", async () => {
    const room = freshRoom("muteb");
    expect((await admin(room, "mute", { target: { name: "x" }, minutes: 5 })).status).toBe(400);
    expect((await admin(room, "mute", { target: { address: "1.1.1.1" }, minutes: 0 })).status).toBe(400);
    const listed = await call<{ mutes: Mute[] }>("GET", `/api/admin/mutes?room=${room}`, { token: ADMIN_TOKEN });
    expect(listed.body.mutes).toEqual([]);
  });
});

describe("the audit trail", () => {
  it("lists every removal, restore, mute and unmute in order with the operator's name, target and reason", async () => {
    const room = freshRoom("audit");
    await postMessage(room, { id: "a1", text: "spam spam" });
    await admin(room, "remove", { messageId: "a1", reason: "spam" });
    await admin(room, "restore", { messageId: "a1" });
    await admin(room, "mute", { target: { address: "192.0.2.7" }, minutes: 10, reason: "flood" });
    await admin(room, "mute", { target: { username: "Troll", color: "255000000" }, minutes: 10, reason: "abuse" });
    await admin(room, "unmute", { target: { address: "192.0.2.7" } });
    // Replays and refusals are not actions: nothing is recorded for them.
    await admin(room, "unmute", { target: { address: "192.0.2.7" } });
    await admin(room, "remove", { messageId: "missing" });

    const res = await call<{ entries: AuditEntry[] }>("GET", `/api/admin/audit?room=${room}`, { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body.entries.map((e) => [e.operator, e.action, e.target, e.reason])).toEqual([
      ["admin", "remove", "message:a1", "spam"],
      ["admin", "restore", "message:a1", ""],
      ["admin", "mute", "address:192.0.2.7", "flood"],
      ["admin", "mute", "identity:Troll:255000000", "abuse"],
      ["admin", "unmute", "address:192.0.2.7", ""],
    ]);
    const times = res.body.entries.map((e) => e.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
