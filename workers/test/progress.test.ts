import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sleep } from "../../tests/support/waiting";
import { LIMITS, PROGRESS } from "../../types";
import { allMessages, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";
import { LiveClient } from "./live-client";
import { advanceRoomClock, freezeRoomClock } from "./room-time";

const q = (room: string, route: string) => `/api/queue/${route}?room=${room}`;
const EVE = { username: "Eve", color: "120200150" };

/** A room with one addressed message claimed by worker `w1`; returns its lease token. */
async function claimed(room: string, id = "ask", leaseSeconds?: number): Promise<string> {
  await postMessage(room, { id, text: `question ${id}`, botParams: { entity: "eve" } });
  const claim = await claimNext(room, "w1", leaseSeconds ? { leaseSeconds } : {});
  expect(claim.status).toBe(200);
  return claim.body.lease.token;
}

function progress(room: string, body: Record<string, unknown>, token: string | null = BOT_TOKEN) {
  return call("POST", q(room, "progress"), { body, token: token ?? undefined });
}

describe("progress: drafts reach subscribers and are never stored", () => {
  it("shows each draft with the reply's identity; a late joiner gets it in hello; complete swaps it for the one stored reply", async () => {
    const room = freshRoom("prog");
    const watcher = await LiveClient.open(room, "cursor=0");
    const leaseToken = await claimed(room);

    const first = await progress(room, { messageId: "ask", leaseToken, text: "Hel", ...EVE });
    expect(first.status).toBe(200);
    expect(first.body.lease.token).toBe(leaseToken);
    // Drafts live in memory: a progress call writes no row while most of the lease remains.
    expect(first.timing.rows_written).toBe(0);
    await watcher.until(() => watcher.of("draft").length === 1, "first draft");
    expect(watcher.of("draft")[0]?.draft).toMatchObject({ messageId: "ask", entity: "eve", text: "Hel", ...EVE });

    await sleep(PROGRESS.minIntervalMs + 20);
    expect((await progress(room, { messageId: "ask", leaseToken, text: "Hello, Al", ...EVE })).status).toBe(200);
    const late = await LiveClient.open(room, "cursor=0");
    await late.until(() => late.of("hello").length === 1, "hello");
    expect(late.of("hello")[0]?.drafts.map((d) => d.text)).toEqual(["Hello, Al"]);

    const done = await call("POST", q(room, "complete"), {
      body: { messageId: "ask", leaseToken, reply: { text: "Hello, Alice", ...EVE } },
      token: BOT_TOKEN,
    });
    expect(done.status).toBe(200);
    for (const live of [watcher, late]) {
      await live.until(() => live.messages.some((m) => m.replyTo === "ask"), "the stored reply");
      const gone = live.events.findIndex((e) => e.type === "draft-gone" && e.messageId === "ask");
      const reply = live.events.findIndex((e) => e.type === "messages" && e.messages.some((m) => m.replyTo === "ask"));
      expect(live.events[gone]).toMatchObject({ reason: "complete" });
      // The draft goes first, so a client never shows draft and reply together.
      expect(gone).toBeGreaterThanOrEqual(0);
      expect(gone).toBeLessThan(reply);
      live.close();
    }
    const stored = await allMessages(room);
    expect(stored.filter((m) => m["message-type"] === "AI").map((m) => m.text)).toEqual(["Hello, Alice"]);
    expect(stored.some((m) => m.text.startsWith("Hel") && m.text !== "Hello, Alice")).toBe(false);

    // After complete the lease is spent: more progress is refused and shows nothing.
    await sleep(PROGRESS.minIntervalMs + 20);
    const after = await progress(room, { messageId: "ask", leaseToken, text: "zombie" });
    expect(after.status).toBe(409);
    expect(after.body.code).toBe("lease_lost");
  });

  it("a socket gets only the drafts of questions its filter shows, in hello as when they are sent", async () => {
    const room = freshRoom("prog");
    const bobs = await LiveClient.open(room, `cursor=0&u=${encodeURIComponent("Bob:100100100")}`);
    const leaseToken = await claimed(room);
    expect((await progress(room, { messageId: "ask", leaseToken, text: "for Alice" })).status).toBe(200);
    const alices = await LiveClient.open(room, `cursor=0&u=${encodeURIComponent("Alice:200100050")}`);
    const bobsLate = await LiveClient.open(room, `cursor=0&u=${encodeURIComponent("Bob:100100100")}`);
    for (const live of [alices, bobsLate]) await live.until(() => live.of("hello").length === 1, "hello");
    expect(alices.of("hello")[0]?.drafts.map((d) => d.text)).toEqual(["for Alice"]);
    expect(bobsLate.of("hello")[0]?.drafts).toEqual([]);
    await sleep(PROGRESS.minIntervalMs + 20);
    await progress(room, { messageId: "ask", leaseToken, text: "for Alice, more" });
    await alices.until(() => alices.of("draft").length === 1, "the next draft");
    expect(bobs.of("draft")).toEqual([]);
    for (const live of [bobs, alices, bobsLate]) live.close();
  });

  it("renews the lease only once half of it is spent (as many rows as a heartbeat), and writes nothing before", async () => {
    const room = freshRoom("prog");
    const leaseToken = await claimed(room, "ask", 60);
    const beat = await call("POST", q(room, "heartbeat"), { body: { messageId: "ask", leaseToken }, token: BOT_TOKEN });
    expect(beat.status).toBe(200);
    // 60 s remain of a lease now asked to be 600 s: less than half, so it is renewed to 600 s.
    const before = Date.now();
    const renewed = await progress(room, { messageId: "ask", leaseToken, text: "a", leaseSeconds: 600 });
    expect(renewed.status).toBe(200);
    expect(renewed.timing.rows_written).toBe(beat.timing.rows_written);
    expect(renewed.timing.rows_written).toBeGreaterThan(0);
    expect(renewed.body.lease.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    const status = await call("GET", `/api/comments/status?room=${room}&ids=ask`);
    expect(status.body.comments[0].botParams.leaseExpiresAt).toBe(renewed.body.lease.expiresAt);
  });

  it("a release, a failure and an expired lease each tell subscribers the draft is gone, with the reason", async () => {
    const room = freshRoom("prog");
    const watcher = await LiveClient.open(room, "cursor=0");
    const released = await claimed(room, "r");
    await progress(room, { messageId: "r", leaseToken: released, text: "partial" });
    await call("POST", q(room, "release"), { body: { messageId: "r", leaseToken: released }, token: BOT_TOKEN });

    await postMessage(room, { id: "f", botParams: { entity: "eve" } });
    const failing = await call("POST", q(room, "claim"), {
      body: { messageId: "f", workerId: "w2" },
      token: BOT_TOKEN,
    });
    await progress(room, { messageId: "f", leaseToken: failing.body.lease.token, text: "partial" });
    await call("POST", q(room, "fail"), {
      body: { messageId: "f", leaseToken: failing.body.lease.token, error: "model crashed" },
      token: BOT_TOKEN,
    });

    await postMessage(room, { id: "x", botParams: { entity: "eve" } });
    const dying = await call("POST", q(room, "claim"), {
      body: { messageId: "x", workerId: "w3", leaseSeconds: 5 },
      token: BOT_TOKEN,
    });
    // The same lease length as claimed, so this progress does not extend it (5 s remain of 5).
    await progress(room, { messageId: "x", leaseToken: dying.body.lease.token, text: "partial", leaseSeconds: 5 });
    await advanceRoomClock(room, 5_100);
    // Nobody calls the API: the alarm alone notices the expiry and removes the draft.
    await runDurableObjectAlarm(env.ROOM.get(env.ROOM.idFromName(room)));

    await watcher.until(() => watcher.of("draft-gone").length === 3, "three drafts gone");
    expect(watcher.of("draft-gone").map((e) => [e.messageId, e.reason])).toEqual([
      ["r", "released"],
      ["f", "failed"],
      ["x", "expired"],
    ]);
    const late = await LiveClient.open(room, "cursor=0");
    await late.until(() => late.of("hello").length === 1, "hello");
    expect(late.of("hello")[0]?.drafts).toEqual([]);
    expect((await allMessages(room)).filter((m) => m["message-type"] === "AI")).toEqual([]);
    watcher.close();
    late.close();
  }, 20_000);
});

describe("progress: a thinking model shows that it thinks, never what", () => {
  it("phase thinking with no text shows a thinking draft to viewers and late joiners; the answer then replaces it, and a late thinking never takes the answer's text away", async () => {
    const room = freshRoom("prog");
    const watcher = await LiveClient.open(room, "cursor=0");
    const leaseToken = await claimed(room);

    const thinking = await progress(room, { messageId: "ask", leaseToken, text: "", phase: "thinking", ...EVE });
    expect(thinking.status).toBe(200);
    expect(thinking.timing.rows_written).toBe(0);
    await watcher.until(() => watcher.of("draft").length === 1, "the thinking draft");
    expect(watcher.of("draft")[0]?.draft).toMatchObject({ messageId: "ask", text: "", phase: "thinking", ...EVE });
    const early = await LiveClient.open(room, "cursor=0");
    await early.until(() => early.of("hello").length === 1, "hello");
    expect(early.of("hello")[0]?.drafts.map((d) => [d.text, d.phase])).toEqual([["", "thinking"]]);

    await sleep(PROGRESS.minIntervalMs + 20);
    expect((await progress(room, { messageId: "ask", leaseToken, text: "Hel", phase: "writing", ...EVE })).status).toBe(
      200,
    );
    await watcher.until(() => watcher.of("draft").length === 2, "the answer's first draft");
    const writing = watcher.of("draft")[1]!.draft;
    expect(writing.text).toBe("Hel");
    expect(writing.phase).toBeUndefined();

    // A thinking progress after the answer began (a bot's stale call, a model thinking again): accepted, nothing regresses.
    // The clock moves only when told, so "too fast" below does not depend on how busy the machine is.
    await freezeRoomClock(room);
    await advanceRoomClock(room, PROGRESS.minIntervalMs + 20);
    expect((await progress(room, { messageId: "ask", leaseToken, text: "", phase: "thinking" })).status).toBe(200);
    const late = await LiveClient.open(room, "cursor=0");
    await late.until(() => late.of("hello").length === 1, "hello");
    expect(late.of("hello")[0]?.drafts.map((d) => [d.text, d.phase])).toEqual([["Hel", undefined]]);
    // It still counts for pacing: the next call at once is too fast.
    expect((await progress(room, { messageId: "ask", leaseToken, text: "Hello" })).status).toBe(429);
    await advanceRoomClock(room, PROGRESS.minIntervalMs + 20);
    expect((await progress(room, { messageId: "ask", leaseToken, text: "Hello" })).status).toBe(200);
    await watcher.until(() => watcher.of("draft").length === 3, "the grown answer");
    expect(watcher.of("draft").map((e) => [e.draft.text, e.draft.phase])).toEqual([
      ["", "thinking"],
      ["Hel", undefined],
      ["Hello", undefined],
    ]);
    for (const live of [watcher, early, late]) live.close();
  });

  it("empty text is refused unless the phase is thinking, and text sent with thinking is never shown", async () => {
    const room = freshRoom("prog");
    const watcher = await LiveClient.open(room, "cursor=0");
    const leaseToken = await claimed(room);
    for (const body of [{ text: "" }, { text: "", phase: "writing" }]) {
      const refused = await progress(room, { messageId: "ask", leaseToken, ...body });
      expect([refused.status, refused.body.code]).toEqual([400, "invalid_input"]);
      expect(refused.body.error).toContain('phase "thinking"');
    }
    const badPhase = await progress(room, { messageId: "ask", leaseToken, text: "", phase: "pondering" });
    expect([badPhase.status, badPhase.body.code]).toEqual([400, "invalid_input"]);
    const thought = await progress(room, { messageId: "ask", leaseToken, text: "my secret plan", phase: "thinking" });
    expect(thought.status).toBe(200);
    await watcher.until(() => watcher.of("draft").length === 1, "the thinking draft");
    expect(watcher.of("draft")[0]?.draft).toMatchObject({ text: "", phase: "thinking" });
    watcher.close();
  });
});

describe("progress: bad input gets its status and changes nothing", () => {
  it("401 without the bot token, 400 without a lease token or over the text limit, 404 unknown, 409 not your lease, 429 too fast", async () => {
    const room = freshRoom("prog");
    const watcher = await LiveClient.open(room, "cursor=0");
    const leaseToken = await claimed(room);
    // "Too fast" must not depend on how quickly a loaded machine answers the requests in between.
    await freezeRoomClock(room);
    expect((await progress(room, { messageId: "ask", leaseToken, text: "kept" })).status).toBe(200);
    await watcher.until(() => watcher.of("draft").length === 1, "the accepted draft");
    const snapshot = async () => ({
      messages: await allMessages(room),
      status: (await call("GET", `/api/comments/status?room=${room}&ids=ask`)).body.comments,
    });
    const before = await snapshot();

    const noBearer = await progress(room, { messageId: "ask", leaseToken, text: "x" }, null);
    expect([noBearer.status, noBearer.body.code]).toEqual([401, "unauthorized"]);

    const noLease = await progress(room, { messageId: "ask", text: "x" });
    expect([noLease.status, noLease.body.code]).toEqual([400, "invalid_input"]);
    expect(noLease.body.error).toContain("leaseToken");

    const tooLong = await progress(room, { messageId: "ask", leaseToken, text: "x".repeat(LIMITS.textMax + 1) });
    expect([tooLong.status, tooLong.body.code]).toEqual([400, "invalid_input"]);
    expect(tooLong.body.error).toContain(`at most ${LIMITS.textMax}`);

    const empty = await progress(room, { messageId: "ask", leaseToken, text: "" });
    expect(empty.status).toBe(400);

    const unknown = await progress(room, { messageId: "nobody", leaseToken, text: "x" });
    expect([unknown.status, unknown.body.code]).toEqual([404, "not_found"]);

    const stolen = await progress(room, { messageId: "ask", leaseToken: "someone-elses", text: "zombie" });
    expect([stolen.status, stolen.body.code]).toEqual([409, "lease_lost"]);

    const fast = await progress(room, { messageId: "ask", leaseToken, text: "too soon" });
    expect([fast.status, fast.body.code]).toEqual([429, "rate_limited"]);
    expect(Number(fast.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(fast.body.error).toContain(`${PROGRESS.minIntervalMs} ms`);

    for (const rejected of [noBearer, noLease, tooLong, empty, unknown, stolen, fast]) {
      expect(rejected.timing.rows_written ?? 0).toBe(0);
    }
    expect(await snapshot()).toEqual(before);
    // Only the accepted draft was ever shown; a late joiner still sees exactly that one.
    const late = await LiveClient.open(room, "cursor=0");
    await late.until(() => late.of("hello").length === 1, "hello");
    expect(late.of("hello")[0]?.drafts.map((d) => d.text)).toEqual(["kept"]);
    expect(watcher.of("draft").map((e) => e.draft.text)).toEqual(["kept"]);

    const wrongMethod = await call("GET", q(room, "progress"), { token: BOT_TOKEN });
    expect([wrongMethod.status, wrongMethod.body.code]).toEqual([405, "method_not_allowed"]);
    watcher.close();
    late.close();
  });

  it("a progress for a message whose lease expired and was claimed by another worker is 409 and shows nothing", async () => {
    const room = freshRoom("prog");
    const watcher = await LiveClient.open(room, "cursor=0");
    const oldToken = await claimed(room, "ask", 5);
    await advanceRoomClock(room, 5_100);
    const fresh = await claimNext(room, "w2");
    expect(fresh.status).toBe(200);
    const zombie = await progress(room, { messageId: "ask", leaseToken: oldToken, text: "zombie text" });
    expect([zombie.status, zombie.body.code]).toEqual([409, "lease_lost"]);
    const zombieDone = await call("POST", q(room, "complete"), {
      body: { messageId: "ask", leaseToken: oldToken, reply: { text: "zombie text" } },
      token: BOT_TOKEN,
    });
    expect(zombieDone.status).toBe(409);
    const probe = await LiveClient.open(room, "cursor=0");
    await probe.until(() => probe.of("hello").length === 1, "hello");
    expect(probe.of("hello")[0]?.drafts).toEqual([]);
    expect(watcher.of("draft")).toEqual([]);
    expect((await allMessages(room)).some((m) => m.text.includes("zombie"))).toBe(false);
    watcher.close();
    probe.close();
  }, 20_000);
});
