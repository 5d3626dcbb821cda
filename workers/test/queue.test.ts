import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sleep } from "../../tests/support/waiting";
import { claimResponseSchema, messageSchema } from "../../types";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, claimNext, freshRoom, human, postMessage } from "./client";
import { advanceRoomClock } from "./room-time";

const q = (room: string, route: string) => `/api/queue/${route}?room=${room}`;
const roomStub = (room: string) => env.ROOM.get(env.ROOM.idFromName(room));

async function addressed(room: string, id: string, entity = "eve", priority?: number) {
  return postMessage(room, {
    id,
    text: `question ${id}`,
    botParams: { entity, ...(priority !== undefined ? { priority } : {}) },
  });
}

describe("queue auth", () => {
  it("every queue route needs the bot token: 401 without, 403 with a wrong one", async () => {
    const room = freshRoom();
    const routes: [string, string, unknown?][] = [
      ["GET", "pending"],
      ["POST", "claim", { messageId: "x", workerId: "w" }],
      ["POST", "claim-next", { workerId: "w" }],
      ["POST", "heartbeat", { messageId: "x", leaseToken: "t" }],
      ["POST", "complete", { messageId: "x", leaseToken: "t" }],
      ["POST", "fail", { messageId: "x", leaseToken: "t", error: "e" }],
      ["POST", "release", { messageId: "x", leaseToken: "t" }],
    ];
    for (const [method, route, body] of routes) {
      expect((await call(method, q(room, route), { body })).status, route).toBe(401);
      expect((await call(method, q(room, route), { body, token: "nope" })).status, route).toBe(403);
    }
    expect(
      (await call("POST", `/api/admin/requeue?room=${room}`, { body: { messageId: "x" }, token: BOT_TOKEN })).status,
    ).toBe(403);
  });
});

describe("pending", () => {
  it("lists pending messages most urgent first: priority ascending, then seq; filters by entity", async () => {
    const room = freshRoom();
    await addressed(room, "p50a", "eve");
    await addressed(room, "p10", "eve", 10);
    await addressed(room, "p0", "bob", 0);
    await addressed(room, "p50b", "eve");
    await postMessage(room, { id: "plain" });
    const all = await call("GET", `${q(room, "pending")}&limit=10`, { token: BOT_TOKEN });
    expect(all.status).toBe(200);
    expect(all.body.pending.map((m: { id: string }) => m.id)).toEqual(["p0", "p10", "p50a", "p50b"]);
    const eve = await call("GET", `${q(room, "pending")}&entity=eve`, { token: BOT_TOKEN });
    expect(eve.body.pending.map((m: { id: string }) => m.id)).toEqual(["p10", "p50a", "p50b"]);
    expect((await call("GET", `${q(room, "pending")}&wait=26`, { token: BOT_TOKEN })).status).toBe(400);
  });

  it("long-polls until a message arrives", async () => {
    const room = freshRoom();
    const started = Date.now();
    const poll = call("GET", `${q(room, "pending")}&wait=5&entity=eve`, { token: BOT_TOKEN });
    await sleep(300);
    await addressed(room, "late");
    const res = await poll;
    expect(res.body.pending.map((m: { id: string }) => m.id)).toEqual(["late"]);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe("claim, heartbeat, complete", () => {
  it("claim leases a pending message; a second claim is 409; unknown is 404; a plain message is 409", async () => {
    const room = freshRoom();
    await addressed(room, "c1");
    await postMessage(room, { id: "plain" });
    const res = await call("POST", q(room, "claim"), {
      body: { messageId: "c1", workerId: "w1", leaseSeconds: 30 },
      token: BOT_TOKEN,
    });
    expect(res.status).toBe(200);
    const claim = claimResponseSchema.parse(res.body);
    expect(claim.message.botParams).toMatchObject({ status: "processing", claimedBy: "w1" });
    expect(claim.lease.expiresAt - Date.now()).toBeGreaterThan(25_000);
    const again = await call("POST", q(room, "claim"), { body: { messageId: "c1", workerId: "w2" }, token: BOT_TOKEN });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/processing/);
    expect(
      (await call("POST", q(room, "claim"), { body: { messageId: "zz", workerId: "w" }, token: BOT_TOKEN })).status,
    ).toBe(404);
    expect(
      (await call("POST", q(room, "claim"), { body: { messageId: "plain", workerId: "w" }, token: BOT_TOKEN })).status,
    ).toBe(409);
    for (const leaseSeconds of [4, 601]) {
      const bad = await call("POST", q(room, "claim"), {
        body: { messageId: "c1", workerId: "w", leaseSeconds },
        token: BOT_TOKEN,
      });
      expect(bad.status).toBe(400);
    }
  });

  it("claim-next takes the most urgent for the given entities, or 204 when none within wait", async () => {
    const room = freshRoom();
    await addressed(room, "bob-urgent", "bob", 0);
    await addressed(room, "eve-1", "eve", 20);
    await addressed(room, "eve-2", "eve", 5);
    const first = await claimNext(room, "w", { entities: ["eve"] });
    expect(first.body.message.id).toBe("eve-2");
    const any = await claimNext(room, "w");
    expect(any.body.message.id).toBe("bob-urgent");
    await claimNext(room, "w", { entities: ["eve"] });
    const none = await claimNext(room, "w", { entities: ["eve"], wait: 0.2 });
    expect(none.status).toBe(204);
  });

  it("complete stores the reply and completes in one step; a repeat returns the same reply", async () => {
    const room = freshRoom();
    await addressed(room, "q1");
    const { body: claim } = await claimNext(room, "w1");
    const reply = { text: "an answer", username: "Eve", color: "255000255" };
    const done = await call("POST", q(room, "complete"), {
      body: { messageId: "q1", leaseToken: claim.lease.token, reply },
      token: BOT_TOKEN,
    });
    expect(done.status).toBe(200);
    expect(done.body.success).toBe(true);
    const stored = messageSchema.parse(done.body.reply);
    expect(stored).toMatchObject({
      text: "an answer",
      username: "Eve",
      color: "255000255",
      "message-type": "AI",
      replyTo: "q1",
    });
    const repeat = await call("POST", q(room, "complete"), {
      body: { messageId: "q1", leaseToken: claim.lease.token, reply },
      token: BOT_TOKEN,
    });
    expect(repeat.body.reply).toEqual(done.body.reply);
    const messages = await allMessages(room);
    expect(messages).toHaveLength(2);
    expect(messages[0]?.botParams).toMatchObject({ status: "complete", claimedBy: null });
  });

  it("complete without a reply completes silently ([SKIP])", async () => {
    const room = freshRoom();
    await addressed(room, "skip");
    const { body: claim } = await claimNext(room, "w1");
    const done = await call("POST", q(room, "complete"), {
      body: { messageId: "skip", leaseToken: claim.lease.token },
      token: BOT_TOKEN,
    });
    expect(done.body).toEqual({ success: true, reply: null });
    expect((await allMessages(room)).map((m) => m.botParams?.status)).toEqual(["complete"]);
  });

  it("heartbeat extends a held lease; a wrong token is 409; bad bodies are 400", async () => {
    const room = freshRoom();
    await addressed(room, "hb");
    const { body: claim } = await claimNext(room, "w1", { leaseSeconds: 10 });
    const hb = await call("POST", q(room, "heartbeat"), {
      body: { messageId: "hb", leaseToken: claim.lease.token, leaseSeconds: 120 },
      token: BOT_TOKEN,
    });
    expect(hb.status).toBe(200);
    expect(hb.body.lease.expiresAt).toBeGreaterThan(claim.lease.expiresAt);
    const lost = await call("POST", q(room, "heartbeat"), {
      body: { messageId: "hb", leaseToken: "other" },
      token: BOT_TOKEN,
    });
    expect(lost.status).toBe(409);
    expect((await call("POST", q(room, "heartbeat"), { body: { messageId: "hb" }, token: BOT_TOKEN })).status).toBe(
      400,
    );
    expect((await call("POST", q(room, "heartbeat"), { rawBody: "nope", token: BOT_TOKEN })).status).toBe(400);
  });
});

describe("fail and release", () => {
  it("fail counts an attempt: retryable goes back to pending, then failed at the limit, with the reason visible", async () => {
    const room = freshRoom();
    await addressed(room, "f1");
    for (const expected of [
      { status: "pending", attempts: 1 },
      { status: "pending", attempts: 2 },
      { status: "failed", attempts: 3 },
    ]) {
      const { body: claim } = await claimNext(room, "w1");
      const res = await call("POST", q(room, "fail"), {
        body: { messageId: "f1", leaseToken: claim.lease.token, error: "model said nothing", retryable: true },
        token: BOT_TOKEN,
      });
      expect(res.body).toEqual({ success: true, ...expected });
    }
    // The bot's reason, as bots and admins read it; the public reads a safe one instead.
    const [message] = await allMessages(room, BOT_TOKEN);
    expect(message?.botParams).toMatchObject({ status: "failed", attempts: 3, error: "model said nothing" });
    const [shown] = await allMessages(room);
    expect(shown?.botParams).toMatchObject({ status: "failed", error: "the bot gave up after 3 attempts" });
    expect((await claimNext(room, "w1")).status).toBe(204);
  });

  it("a non-retryable failure fails at once; fail without the lease is 409", async () => {
    const room = freshRoom();
    await addressed(room, "f2");
    const { body: claim } = await claimNext(room, "w1");
    expect(
      (
        await call("POST", q(room, "fail"), {
          body: { messageId: "f2", leaseToken: "x", error: "e" },
          token: BOT_TOKEN,
        })
      ).status,
    ).toBe(409);
    const res = await call("POST", q(room, "fail"), {
      body: { messageId: "f2", leaseToken: claim.lease.token, error: "bad request" },
      token: BOT_TOKEN,
    });
    expect(res.body).toEqual({ success: true, status: "failed", attempts: 1 });
  });

  it("release returns the message to pending without counting an attempt", async () => {
    const room = freshRoom();
    await addressed(room, "r1");
    const { body: claim } = await claimNext(room, "w1");
    const res = await call("POST", q(room, "release"), {
      body: { messageId: "r1", leaseToken: claim.lease.token },
      token: BOT_TOKEN,
    });
    expect(res.body).toEqual({ success: true });
    const again = await claimNext(room, "w2");
    expect(again.body.message.botParams).toMatchObject({ attempts: 0, claimedBy: "w2" });
    expect(
      (
        await call("POST", q(room, "release"), {
          body: { messageId: "r1", leaseToken: claim.lease.token },
          token: BOT_TOKEN,
        })
      ).status,
    ).toBe(409);
  });

  it("operators can requeue a failed message and fail one by hand (admin token)", async () => {
    const room = freshRoom();
    await addressed(room, "o1");
    const { body: claim } = await claimNext(room, "w1");
    await call("POST", q(room, "fail"), {
      body: { messageId: "o1", leaseToken: claim.lease.token, error: "boom" },
      token: BOT_TOKEN,
    });
    const requeued = await call("POST", `/api/admin/requeue?room=${room}`, {
      body: { messageId: "o1" },
      token: ADMIN_TOKEN,
    });
    expect(requeued.body.message.botParams).toMatchObject({ status: "pending", attempts: 0, error: null });
    const failed = await call("POST", `/api/admin/fail?room=${room}`, {
      body: { messageId: "o1", error: "spam" },
      token: ADMIN_TOKEN,
    });
    // The operator's reason stays for admins, marked as theirs (the public sees only that part).
    expect(failed.body.message.botParams).toMatchObject({ status: "failed", error: "failed by an operator: spam" });
  });
});

describe("leases", () => {
  it("an expired lease returns the message to pending with attempts + 1, then failed at 3 attempts (alarm-driven)", async () => {
    const room = freshRoom();
    await addressed(room, "exp");
    const stub = roomStub(room);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const res = await claimNext(room, `dead-${attempt}`, { leaseSeconds: 5 });
      expect(res.status).toBe(200);
      await advanceRoomClock(room, 5_100);
      // Nobody calls the API: the room's alarm alone must notice the expiry.
      await runDurableObjectAlarm(stub);
      const [message] = await allMessages(room);
      expect(message?.botParams?.attempts).toBe(attempt);
      expect(message?.botParams?.status).toBe(attempt < 3 ? "pending" : "failed");
    }
    const [message] = await allMessages(room, BOT_TOKEN);
    expect(message?.botParams?.error).toMatch(/lease expired.*dead-3.*3 attempts/);
    const [shown] = await allMessages(room);
    expect(shown?.botParams?.error).toBe("the reply took too long");
  });

  it("a late complete from an expired lease is accepted while nobody else holds the message, else 409", async () => {
    const room = freshRoom();
    await addressed(room, "late-ok");
    await addressed(room, "late-lost");
    const a = await call("POST", q(room, "claim"), {
      body: { messageId: "late-ok", workerId: "slow", leaseSeconds: 5 },
      token: BOT_TOKEN,
    });
    const b = await call("POST", q(room, "claim"), {
      body: { messageId: "late-lost", workerId: "slow", leaseSeconds: 5 },
      token: BOT_TOKEN,
    });
    await advanceRoomClock(room, 5_100);
    // late-lost is re-claimed by another worker before the slow one finishes.
    const other = await call("POST", q(room, "claim"), {
      body: { messageId: "late-lost", workerId: "fast" },
      token: BOT_TOKEN,
    });
    expect(other.status).toBe(200);
    const ok = await call("POST", q(room, "complete"), {
      body: { messageId: "late-ok", leaseToken: a.body.lease.token, reply: { text: "late but fine" } },
      token: BOT_TOKEN,
    });
    expect(ok.status).toBe(200);
    const lost = await call("POST", q(room, "complete"), {
      body: { messageId: "late-lost", leaseToken: b.body.lease.token, reply: { text: "zombie" } },
      token: BOT_TOKEN,
    });
    expect(lost.status).toBe(409);
    const texts = (await allMessages(room)).map((m) => m.text);
    expect(texts).toContain("late but fine");
    expect(texts).not.toContain("zombie");
  });
});

describe("post-then-complete compatibility flow", () => {
  it("an AI post with replyTo completes the addressed message; a second is 409; complete without a lease is a no-op", async () => {
    const room = freshRoom();
    await addressed(room, "legacy");
    const { body: claim } = await claimNext(room, "old-bot");
    const reply = human({ id: "reply-1", "message-type": "AI", username: "Eve", replyTo: "legacy", text: "answer" });
    const posted = await call("POST", `/api/comments?room=${room}`, { body: reply, token: BOT_TOKEN });
    expect(posted.status).toBe(201);
    const second = await call("POST", `/api/comments?room=${room}`, {
      body: { ...reply, id: "reply-2" },
      token: BOT_TOKEN,
    });
    expect(second.status).toBe(409);
    const replay = await call("POST", `/api/comments?room=${room}`, { body: reply, token: BOT_TOKEN });
    expect(replay.status).toBe(200);
    const noop = await call("POST", q(room, "complete"), { body: { messageId: "legacy" }, token: BOT_TOKEN });
    expect(noop.status).toBe(200);
    expect(noop.body.reply.id).toBe("reply-1");
    const lateLease = await call("POST", q(room, "complete"), {
      body: { messageId: "legacy", leaseToken: claim.lease.token, reply: { text: "dup" } },
      token: BOT_TOKEN,
    });
    expect(lateLease.status).toBe(409);
    const messages = await allMessages(room);
    expect(messages.map((m) => m.id)).toEqual(["legacy", "reply-1"]);
    expect(messages[0]?.botParams?.status).toBe("complete");
  });

  it("complete without a lease on an unanswered message is 400", async () => {
    const room = freshRoom();
    await addressed(room, "nolease");
    const res = await call("POST", q(room, "complete"), {
      body: { messageId: "nolease", reply: { text: "x" } },
      token: BOT_TOKEN,
    });
    expect(res.status).toBe(400);
  });
});

describe("entities and stats", () => {
  it("entities lists what bots polled for, and when; stats counts messages, queue and bots", async () => {
    const room = freshRoom();
    await addressed(room, "s1", "eve");
    await addressed(room, "s2", "bob");
    await postMessage(room, { id: "plain" });
    const before = Date.now();
    const claim = await claimNext(room, "bot-a", {
      entities: ["eve", "zed"],
      profiles: [{ id: "eve", username: "Eve", color: "255000255" }],
    });
    const entities = await call("GET", `/api/entities?room=${room}`);
    const byId = Object.fromEntries(entities.body.entities.map((e: { id: string }) => [e.id, e]));
    expect(Object.keys(byId).sort()).toEqual(["eve", "zed"]);
    expect(byId.eve).toMatchObject({ username: "Eve", color: "255000255" });
    expect(byId.zed).not.toHaveProperty("username");
    expect(byId.eve.lastPolledAt).toBeGreaterThanOrEqual(before);
    const stats = await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN });
    expect(stats.status).toBe(200);
    expect(stats.body.messages).toEqual({ total: 3, human: 3, AI: 0 });
    expect(stats.body.queue).toMatchObject({ pending: 1, processing: 1, complete: 0, failed: 0 });
    expect(stats.body.queue.byEntity.bob.pending).toBe(1);
    expect(stats.body.queue.oldestPendingAgeMs).toBeGreaterThanOrEqual(0);
    expect(stats.body.leases).toEqual([
      expect.objectContaining({ messageId: "s1", claimedBy: "bot-a", expiresAt: claim.body.lease.expiresAt }),
    ]);
    expect(stats.body.bots.map((b: { workerId: string }) => b.workerId)).toEqual(["bot-a"]);
    expect(stats.body.storage.rowsWritten).toBeGreaterThan(0);
  });
});
