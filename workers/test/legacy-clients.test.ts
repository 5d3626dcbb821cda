import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS, type Message, statsSchema } from "../../types";
import { snapshotKey, snapshotSchema } from "../snapshot";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, claimNext, freshRoom, human, postMessage } from "./client";

/**
 * The predecessor's own web client and bot, replayed request by request (docs/ARCHITECTURE.md, Legacy clients). Each request
 * is sent exactly as those clients send it; only `room=` is appended so that tests do not share a
 * room.
 */

const q = (room: string, route: string) => `/api/queue/${route}?room=${room}`;

/** What the old web client posts when a person addresses an entity (extra fields included). */
function oldClientQuestion(id: string, over: Record<string, unknown> = {}) {
  return human({
    id,
    text: `question ${id}`,
    language: "en",
    misc: "",
    botParams: { entity: "emotional-intelligence", priority: 5, processed: false },
    ...over,
  });
}

/** What the old bot posts as its answer: an AI message with NO replyTo. */
function oldBotAnswer(id: string, text: string) {
  return human({
    id,
    text,
    username: "EmotionalIntelligence",
    color: "080200120",
    "message-type": "AI",
    language: "en",
    misc: "",
  });
}

/** Request 1, verbatim: how the old bot finds work. */
async function oldBotList(room: string) {
  return call<{ comments: Message[]; cursor: number }>(
    "GET",
    `/api/comments?limit=100&domain=all&sort=timestamp&order=desc&room=${room}`,
  );
}

/** What the old bot answers: messages whose `botParams.processed === false`. */
const unanswered = (comments: Message[]) => comments.filter((m) => m.botParams?.processed === false);

async function stats(room: string) {
  return statsSchema.parse((await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN })).body);
}

async function oldBotAnswers(room: string, questionId: string, replyId: string) {
  const posted = await call("POST", `/api/comments?room=${room}`, {
    body: oldBotAnswer(replyId, `answer to ${questionId}`),
    token: BOT_TOKEN,
  });
  expect(posted.status).toBe(201);
  return call<Message>("PATCH", `/api/comments/${questionId}?room=${room}`, {
    body: { botParams: { processed: true } },
    token: BOT_TOKEN,
  });
}

describe("request 1: the old bot lists messages and answers those with processed: false", () => {
  it("every addressed message reads processed: false until settled, whatever the client sent", async () => {
    const room = freshRoom();
    for (let i = 0; i < 20; i++) {
      // Half claim to be processed already: a client's flag must not hide a question from the bot.
      const botParams = { entity: "emotional-intelligence", priority: 5, processed: i % 2 === 0 };
      const res = await call<Message>("POST", `/api/comments?room=${room}`, {
        body: oldClientQuestion(`q${i}`, { botParams }),
      });
      expect(res.status).toBe(201);
      expect(res.body.botParams?.processed).toBe(false);
    }
    await postMessage(room, { id: "chatter" });

    const listed = await oldBotList(room);
    expect(listed.status).toBe(200);
    expect(unanswered(listed.body.comments).map((m) => m.id)).toEqual(Array.from({ length: 20 }, (_, i) => `q${i}`));
    expect(listed.body.comments.find((m) => m.id === "chatter")?.botParams).toBeUndefined();
  });

  it("a failed message reads processed: true, so the old bot leaves it alone", async () => {
    const room = freshRoom();
    await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("doomed") });
    const { body: claim } = await claimNext(room, "our-bot");
    await call("POST", q(room, "fail"), {
      body: { messageId: "doomed", leaseToken: claim.lease.token, error: "model refused", retryable: false },
      token: BOT_TOKEN,
    });
    const [doomed] = (await oldBotList(room)).body.comments;
    expect(doomed?.botParams).toMatchObject({ status: "failed", processed: true });
  });
});

describe("request 2: the old bot answers without replyTo, then PATCHes processed: true", () => {
  it("the full old-bot cycle answers all 20 questions and leaves each complete and unclaimable", async () => {
    const room = freshRoom();
    for (let i = 0; i < 20; i++) {
      await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion(`q${i}`) });
    }
    for (const question of unanswered((await oldBotList(room)).body.comments)) {
      const patched = await oldBotAnswers(room, question.id, `a-${question.id}`);
      expect(patched.status).toBe(200);
      expect(patched.body.botParams).toMatchObject({
        status: "complete",
        processed: true,
        claimedBy: null,
        leaseExpiresAt: null,
      });
    }

    const all = await allMessages(room);
    const questions = all.filter((m) => m.botParams);
    expect(questions).toHaveLength(20);
    expect(questions.every((m) => m.botParams?.status === "complete" && m.botParams.processed)).toBe(true);
    expect(all.filter((m) => m["message-type"] === "AI")).toHaveLength(20);
    // Never handed out again: not listed as pending, not claimable by id or by claim-next.
    expect((await call("GET", q(room, "pending"), { token: BOT_TOKEN })).body.pending).toEqual([]);
    expect((await claimNext(room, "our-bot")).status).toBe(204);
    const byId = await call("POST", q(room, "claim"), { body: { messageId: "q0", workerId: "w" }, token: BOT_TOKEN });
    expect(byId.status).toBe(409);
    // The monitor's numbers: 20 complete, all by the legacy flow.
    const s = await stats(room);
    expect(s.queue).toMatchObject({ pending: 0, processing: 0, complete: 20, failed: 0, answeredByLegacy: 20 });
  });

  it("settles a message our bot is processing: the lease is released and the holder's late calls get 409", async () => {
    const room = freshRoom();
    await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("contested") });
    const { body: claim } = await claimNext(room, "our-bot");
    expect(claim.message.botParams?.processed).toBe(false);

    const patched = await oldBotAnswers(room, "contested", "old-answer");
    expect(patched.body.botParams).toMatchObject({ status: "complete", claimedBy: null, leaseExpiresAt: null });
    expect((await stats(room)).leases).toEqual([]);

    const lease = { messageId: "contested", leaseToken: claim.lease.token };
    const heartbeat = await call("POST", q(room, "heartbeat"), { body: lease, token: BOT_TOKEN });
    expect([heartbeat.status, heartbeat.body.code]).toEqual([409, "lease_lost"]);
    const complete = await call("POST", q(room, "complete"), {
      body: { ...lease, reply: { text: "a second answer" } },
      token: BOT_TOKEN,
    });
    expect([complete.status, complete.body.code]).toEqual([409, "already_answered"]);
    const fail = await call("POST", q(room, "fail"), { body: { ...lease, error: "x" }, token: BOT_TOKEN });
    expect([fail.status, fail.body.code]).toEqual([409, "lease_lost"]);
    const viaReplyTo = await call("POST", `/api/comments?room=${room}`, {
      body: { ...oldBotAnswer("late-reply", "late"), replyTo: "contested" },
      token: BOT_TOKEN,
    });
    expect([viaReplyTo.status, viaReplyTo.body.code]).toEqual([409, "already_answered"]);

    expect((await allMessages(room)).map((m) => m.id)).toEqual(["contested", "old-answer"]);
    expect((await claimNext(room, "our-bot")).status).toBe(204);
  });

  it("the next listing shows it processed at once, even while the KV snapshot still says pending", async () => {
    const room = freshRoom();
    await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("quick") });
    await runDurableObjectAlarm(env.ROOM.get(env.ROOM.idFromName(room)));
    await oldBotAnswers(room, "quick", "quick-answer");

    const listed = await oldBotList(room);
    expect(listed.timing.kv_read).toBe(1);
    expect(unanswered(listed.body.comments)).toEqual([]);
    expect(listed.body.comments.map((m) => m.id)).toEqual(["quick", "quick-answer"]);
    // The snapshot is rewritten by the room's alarm, not at each post, so it is still behind: the read corrected it.
    const snapshot = snapshotSchema.parse(JSON.parse((await env.SNAPSHOTS.get(snapshotKey(room))) ?? "null"));
    expect(snapshot.comments.find((m) => m.id === "quick")?.botParams?.status).toBe("pending");
  });

  it("a repeated PATCH, or processed: false, changes nothing", async () => {
    const room = freshRoom();
    await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("once") });
    const patch = (processed: boolean) =>
      call<Message>("PATCH", `/api/comments/once?room=${room}`, {
        body: { botParams: { processed } },
        token: BOT_TOKEN,
      });

    const reopen = await patch(false);
    expect(reopen.body.botParams).toMatchObject({ status: "pending", processed: false });
    expect((await patch(true)).body.botParams?.status).toBe("complete");
    expect((await patch(true)).body.botParams?.status).toBe("complete");
    expect((await patch(false)).body.botParams).toMatchObject({ status: "complete", processed: true });
    expect((await stats(room)).queue).toMatchObject({ complete: 1, answeredByLegacy: 1 });
  });
});

describe("request 3: an AI reply from an entity whose name is longer than a person's", () => {
  it(`accepts AI usernames up to ${LIMITS.aiUsernameMax}; people keep ${LIMITS.usernameMax}`, async () => {
    const room = freshRoom();
    await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("long") });
    const reply = await call<Message>("POST", `/api/comments?room=${room}`, {
      body: oldBotAnswer("ei", "I hear you."),
      token: BOT_TOKEN,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.username).toBe("EmotionalIntelligence");
    expect((await oldBotAnswers(room, "long", "ei-2")).body.botParams?.status).toBe("complete");

    const longest = "E".repeat(LIMITS.aiUsernameMax);
    const atLimit = await call("POST", `/api/comments?room=${room}`, {
      body: { ...oldBotAnswer("at-limit", "ok"), username: longest },
      token: BOT_TOKEN,
    });
    expect(atLimit.status).toBe(201);
    const over = await call("POST", `/api/comments?room=${room}`, {
      body: { ...oldBotAnswer("over", "no"), username: `${longest}E` },
      token: BOT_TOKEN,
    });
    expect([over.status, over.body.code]).toEqual([400, "invalid_input"]);
    const person = await call("POST", `/api/comments?room=${room}`, {
      body: human({ id: "person", username: "EmotionalIntelligence" }),
    });
    expect(person.status).toBe(400);
    expect(person.body.error).toMatch(/at most 16/);
    expect((await allMessages(room)).map((m) => m.id)).toEqual(["long", "ei", "ei-2", "at-limit"]);
  });

  it("our own bot may complete and present itself under a long entity name", async () => {
    const room = freshRoom();
    await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("ours") });
    const profiles = [{ id: "emotional-intelligence", username: "EmotionalIntelligence", color: "080200120" }];
    const { status, body: claim } = await claimNext(room, "our-bot", { profiles });
    expect(status).toBe(200);
    const done = await call("POST", q(room, "complete"), {
      body: {
        messageId: "ours",
        leaseToken: claim.lease.token,
        reply: { text: "Hello.", username: "EmotionalIntelligence", color: "080200120" },
      },
      token: BOT_TOKEN,
    });
    expect(done.status).toBe(200);
    expect(done.body.reply.username).toBe("EmotionalIntelligence");
  });
});

describe("request 4: a post whose context holds more than 200 lines", () => {
  it("keeps the newest 200 lines instead of refusing the person's message", async () => {
    const room = freshRoom();
    const context = Array.from({ length: 220 }, (_, i) => `Alice: line ${i}`);
    const res = await call<Message>("POST", `/api/comments?room=${room}`, {
      body: oldClientQuestion("ctx", { context }),
    });
    expect(res.status).toBe(201);
    expect(res.body.context).toEqual(context.slice(20));
    expect((await allMessages(room))[0]?.context).toEqual(context.slice(20));
  });

  it("the 64 KB body limit still applies", async () => {
    const room = freshRoom();
    const context = Array.from({ length: 220 }, () => `Alice: ${"x".repeat(500)}`);
    const res = await call("POST", `/api/comments?room=${room}`, { body: oldClientQuestion("huge", { context }) });
    expect([res.status, res.body.code]).toEqual([413, "too_large"]);
    expect(await allMessages(room)).toEqual([]);
  });
});

describe("request 5: the old client's history probe ?offset=0&limit=0", () => {
  it("answers an empty page carrying the current cursor, reading no rows", async () => {
    const room = freshRoom();
    const probe = () => call("GET", `/api/comments?offset=0&limit=0&room=${room}`);
    const empty = await probe();
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ comments: [], cursor: 0, hasMore: false });

    for (const id of ["m1", "m2", "m3"]) await postMessage(room, { id });
    const full = await probe();
    expect(full.body).toEqual({ comments: [], cursor: 3, hasMore: true });
    expect(full.timing.rows_read).toBe(0);
    // The cursor it gives is where polling resumes: nothing is skipped or repeated.
    await postMessage(room, { id: "m4" });
    const next = await call("GET", `/api/comments?cursor=${full.body.cursor}&room=${room}`);
    expect(next.body.comments.map((m: Message) => m.id)).toEqual(["m4"]);
  });
});
