import { describe, expect, it } from "vitest";
import type { Message } from "../../types";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";
import { advanceRoomClock, freezeRoomClock } from "./room-time";

// Entities as participants, inside workerd: @mentions (E7), scenes within a budget (E8), and the
// context a bot reads (E9). A "bot" here is the test driving the queue API the way bot/ does.

const PROFILES = [
  { id: "sage", username: "Sage", color: "120200150" },
  { id: "wren", username: "Wren", color: "230160060" },
  { id: "quill", username: "Quill", color: "170130230" },
  { id: "tinker", username: "Tinker", color: "090170230" },
];
const ENTITIES = PROFILES.map((p) => p.id);

/** A bot presents its entities with one empty poll, so the room knows them. */
async function present(room: string) {
  const res = await claimNext(room, "presenter", { entities: ENTITIES, profiles: PROFILES });
  expect(res.status).toBe(204);
}

/** Claims the next job of `entity` and completes it with `text`; returns the claim and the reply. */
async function answer(room: string, entity: string, text: string) {
  const claim = await claimNext(room, `bot-${entity}`, { entities: [entity] });
  expect(claim.status, `a pending job for ${entity}`).toBe(200);
  const done = await call<{ reply: Message }>("POST", `/api/queue/complete?room=${room}`, {
    token: BOT_TOKEN,
    body: {
      messageId: claim.body.message.id,
      leaseToken: claim.body.lease.token,
      reply: { text, username: PROFILES.find((p) => p.id === entity)?.username },
    },
  });
  expect(done.status).toBe(200);
  return { claimed: claim.body.message, reply: done.body.reply };
}

const setScene = (room: string, body: unknown, token: string | null = ADMIN_TOKEN) =>
  call("PUT", `/api/admin/scene?room=${room}`, { body, token: token ?? undefined });

describe("mentions (E7)", () => {
  it("a retried post of a mention-addressed message is the same post: 200 with the stored message, one job each", async () => {
    const room = freshRoom("mention-retry");
    await present(room);
    const first = await call<Message>("POST", `/api/comments?room=${room}`, {
      body: { id: "retried", text: "@sage @wren hello again", username: "Ann", color: "100150200" },
    });
    expect(first.status).toBe(201);
    // The outbox resends the same body under the same id after a lost answer.
    const again = await call<Message>("POST", `/api/comments?room=${room}`, {
      body: { id: "retried", text: "@sage @wren hello again", username: "Ann", color: "100150200" },
    });
    expect(again.status).toBe(200);
    expect(again.body.jobs?.map((j) => j.entity)).toEqual(["sage", "wren"]);
    // Another text under that id is still a conflict.
    const other = await call("POST", `/api/comments?room=${room}`, {
      body: { id: "retried", text: "@sage something else", username: "Ann", color: "100150200" },
    });
    expect(other.status).toBe(409);
    expect((await allMessages(room)).filter((m) => m.id === "retried")).toHaveLength(1);
  });

  it("@sage @wren hello gets exactly one reply from each entity, both replying to the message", async () => {
    const room = freshRoom("mention");
    await present(room);
    const asked = await postMessage(room, { id: "both", text: "@sage @wren hello" });
    expect(asked.mentions).toEqual([
      { entity: "sage", username: "Sage", color: "120200150", addressed: true },
      { entity: "wren", username: "Wren", color: "230160060", addressed: true },
    ]);
    expect(asked.jobs?.map((j) => [j.entity, j.status, j.depth])).toEqual([
      ["sage", "pending", 0],
      ["wren", "pending", 0],
    ]);
    // The claim is the message as that job: botParams names the entity that leased it.
    const wren = await answer(room, "wren", "a wren's answer");
    expect(wren.claimed.botParams).toMatchObject({ entity: "wren", status: "processing" });
    const mid = (await call<{ comments: Message[] }>("GET", `/api/comments/status?room=${room}&ids=both`)).body
      .comments[0];
    expect(mid?.botParams?.processed).toBe(false);
    expect(mid?.jobs?.map((j) => j.status)).toEqual(["pending", "complete"]);
    await answer(room, "sage", "a sage's answer");
    // Nothing is left to claim for either entity: each job was answered exactly once.
    expect((await claimNext(room, "again", { entities: ["sage", "wren"] })).status).toBe(204);
    const all = await allMessages(room);
    const replies = all.filter((m) => m.replyTo === "both");
    expect(replies.map((m) => m.username).sort()).toEqual(["Sage", "Wren"]);
    const question = all.find((m) => m.id === "both");
    expect(question?.botParams?.processed).toBe(true);
    expect(question?.jobs?.map((j) => [j.entity, j.status, j.replyId !== undefined])).toEqual([
      ["sage", "complete", true],
      ["wren", "complete", true],
    ]);
    const stats = await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN });
    expect(stats.body.queue.byEntity.sage.complete).toBe(1);
    expect(stats.body.queue.byEntity.wren.complete).toBe(1);
  });

  it("an unknown @name is plain text and addresses nobody; matching is case-insensitive on a word boundary", async () => {
    const room = freshRoom("unknown");
    await present(room);
    const plain = await postMessage(room, { id: "u1", text: "hi @nobody and mail@sage.example, @sagely" });
    expect(plain.mentions).toBeUndefined();
    expect(plain.botParams).toBeUndefined();
    expect(plain.jobs).toBeUndefined();
    const cased = await postMessage(room, { id: "u2", text: "what do you think, @SAGE?" });
    expect(cased.mentions).toEqual([{ entity: "sage", username: "Sage", color: "120200150", addressed: true }]);
    expect(cased.botParams).toMatchObject({ entity: "sage", status: "pending" });
    expect((await claimNext(room, "w", { entities: ["sage"] })).body.message.id).toBe("u2");
  });

  it("a client's own mentions claim is ignored, and the hash entity stays the default addressee without a second job", async () => {
    const room = freshRoom("claim");
    await present(room);
    const sent = await postMessage(room, {
      id: "h1",
      text: "@sage again",
      botParams: { entity: "sage" },
      mentions: [{ entity: "wren", username: "Wren", addressed: true }],
      jobs: [{ entity: "quill", status: "complete", attempts: 0, error: null, depth: 9 }],
    });
    expect(sent.mentions?.map((m) => m.entity)).toEqual(["sage"]);
    expect(sent.jobs?.map((j) => j.entity)).toEqual(["sage"]);
    const hashed = await postMessage(room, { id: "h2", text: "and @wren", botParams: { entity: "quill" } });
    expect(hashed.botParams?.entity).toBe("quill");
    expect(hashed.jobs?.map((j) => j.entity)).toEqual(["quill", "wren"]);
    // Without a mention, one entity: no jobs list, exactly as old clients and snapshots expect.
    const old = await postMessage(room, { id: "h3", text: "plain", botParams: { entity: "sage" } });
    expect(old.jobs).toBeUndefined();
    expect(old.mentions).toBeUndefined();
  });

  it("a mention flood addresses only the first 3; the rest are recorded with addressed: false and the text is whole", async () => {
    const room = freshRoom("flood");
    await present(room);
    const text = `@tinker @quill @wren @sage ${"@sage ".repeat(100)}hi`;
    const flood = await postMessage(room, { id: "f1", text });
    expect(flood.text).toBe(text.trim());
    expect(flood.mentions?.map((m) => [m.entity, m.addressed])).toEqual([
      ["tinker", true],
      ["quill", true],
      ["wren", true],
      ["sage", false],
    ]);
    expect(flood.jobs).toHaveLength(3);
    expect((await claimNext(room, "w", { entities: ["sage"] })).status).toBe(204);
  });

  it("a name that is also a person's username means the entity; a known but unserved entity waits like any job", async () => {
    const room = freshRoom("collide");
    await present(room);
    await postMessage(room, { id: "p1", text: "I am a person", username: "Sage", color: "000000001" });
    const m = await postMessage(room, { id: "p2", text: "@Sage hello" });
    expect(m.mentions?.[0]).toMatchObject({ entity: "sage", addressed: true });
    // Nobody polls for tinker now; its job is pending until a bot serving it comes.
    const t = await postMessage(room, { id: "p3", text: "@tinker fix it" });
    expect(t.botParams).toMatchObject({ entity: "tinker", status: "pending" });
  });
});

describe("scenes (E8)", () => {
  it("with budget 4, exactly 4 AI turns follow a human message; the 4th reply shows paused turn_budget; a new human message starts afresh", async () => {
    const room = freshRoom("scene");
    await present(room);
    await postMessage(room, { id: "s0", text: "@sage start" });
    const turns: Message[] = [];
    let next = "sage";
    for (let turn = 1; turn <= 4; turn++) {
      const other = next === "sage" ? "wren" : "sage";
      const { claimed, reply } = await answer(room, next, `turn ${turn}, over to @${other}`);
      expect(claimed.jobs?.find((j) => j.entity === next)?.depth ?? 0).toBe(turn - 1);
      turns.push(reply);
      next = other;
    }
    expect(turns.map((r) => r.scene)).toEqual([
      { depth: 0 },
      { depth: 1 },
      { depth: 2 },
      { depth: 3, paused: "turn_budget" },
    ]);
    expect(turns[3]?.mentions).toEqual([{ entity: "sage", username: "Sage", color: "120200150", addressed: false }]);
    expect(turns[3]?.botParams).toBeUndefined();
    expect((await claimNext(room, "w", { entities: ENTITIES })).status).toBe(204);
    // The next human message gets a fresh budget.
    await postMessage(room, { id: "s1", text: "@wren go on" });
    const fresh = await answer(room, "wren", "back to @sage");
    expect(fresh.reply.scene).toEqual({ depth: 0 });
    expect(fresh.reply.botParams).toMatchObject({ entity: "sage", status: "pending" });
  });

  it("an entity never answers itself: a self-mention addresses nobody and does not loop", async () => {
    const room = freshRoom("self");
    await present(room);
    await postMessage(room, { id: "me", text: "@sage talk" });
    const { reply } = await answer(room, "sage", "as @Sage I say: I agree with @sage");
    expect(reply.mentions).toEqual([{ entity: "sage", username: "Sage", color: "120200150", addressed: false }]);
    expect(reply.botParams).toBeUndefined();
    expect((await claimNext(room, "w", { entities: ENTITIES })).status).toBe(204);
  });

  it("budget 0 turns scenes off: the addressed entity answers, its mentions address nobody (paused scenes_off)", async () => {
    const room = freshRoom("off");
    await present(room);
    expect((await setScene(room, { turnBudget: 0, hourlyCap: 10 })).body).toEqual({ turnBudget: 0, hourlyCap: 10 });
    await postMessage(room, { id: "o1", text: "@sage hi" });
    const { reply } = await answer(room, "sage", "ask @wren");
    expect(reply.scene).toEqual({ depth: 0, paused: "scenes_off" });
    expect(reply.mentions?.[0]?.addressed).toBe(false);
    expect((await claimNext(room, "w", { entities: ENTITIES })).status).toBe(204);
  });

  it("the hourly cap holds across scenes, and frees up when the hour turns (room clock)", async () => {
    const room = freshRoom("cap");
    await present(room);
    await freezeRoomClock(room);
    expect((await setScene(room, { turnBudget: 10, hourlyCap: 2 })).status).toBe(200);
    await postMessage(room, { id: "c1", text: "@sage one" });
    const a = await answer(room, "sage", "to @wren");
    expect(a.reply.botParams?.entity).toBe("wren");
    const b = await answer(room, "wren", "to @sage");
    expect(b.reply.botParams?.entity).toBe("sage");
    const c = await answer(room, "sage", "to @wren again");
    expect(c.reply.scene).toEqual({ depth: 2, paused: "hourly_cap" });
    expect(c.reply.mentions?.[0]?.addressed).toBe(false);
    // A new human scene in the same hour: the person's own address works, the AI turn does not.
    await postMessage(room, { id: "c2", text: "@wren two" });
    const d = await answer(room, "wren", "to @sage");
    expect(d.reply.scene).toEqual({ depth: 0, paused: "hourly_cap" });
    await advanceRoomClock(room, 3_600_000);
    await postMessage(room, { id: "c3", text: "@quill three" });
    const e = await answer(room, "quill", "to @sage");
    expect(e.reply.scene).toEqual({ depth: 0 });
    expect(e.reply.botParams?.entity).toBe("sage");
  });

  it("the admin scene routes need the admin token and validate input (400 with a code); settings persist", async () => {
    const room = freshRoom("admin");
    expect((await call("GET", `/api/admin/scene?room=${room}`)).status).toBe(401);
    expect((await call("GET", `/api/admin/scene?room=${room}`, { token: BOT_TOKEN })).status).toBe(403);
    expect((await setScene(room, { turnBudget: 2, hourlyCap: 5 }, null)).status).toBe(401);
    expect((await setScene(room, { turnBudget: 2, hourlyCap: 5 }, BOT_TOKEN)).status).toBe(403);
    const defaults = await call("GET", `/api/admin/scene?room=${room}`, { token: ADMIN_TOKEN });
    expect(defaults.body).toEqual({ turnBudget: 4, hourlyCap: 60 });
    for (const bad of [
      { turnBudget: -1, hourlyCap: 5 },
      { turnBudget: 21, hourlyCap: 5 },
      { turnBudget: 2.5, hourlyCap: 5 },
      { turnBudget: 2, hourlyCap: 1001 },
      { turnBudget: "4", hourlyCap: 5 },
      { hourlyCap: 5 },
    ]) {
      const res = await setScene(room, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.code).toBe("invalid_input");
    }
    expect((await call("GET", `/api/admin/scene?room=${room}`, { token: ADMIN_TOKEN })).body).toEqual(defaults.body);
    expect((await setScene(room, { turnBudget: 2, hourlyCap: 5 })).body).toEqual({ turnBudget: 2, hourlyCap: 5 });
    expect((await call("GET", `/api/admin/scene?room=${room}`, { token: ADMIN_TOKEN })).body).toEqual({
      turnBudget: 2,
      hourlyCap: 5,
    });
  });
});

describe("jobs under failure", () => {
  it("an expired lease on one job returns only that job; removal cancels every open job; the legacy post answers the job it names", async () => {
    const room = freshRoom("fail");
    await present(room);
    await postMessage(room, { id: "j1", text: "@sage @wren @quill hi" });
    const sage = await claimNext(room, "b1", { entities: ["sage"], leaseSeconds: 5 });
    await advanceRoomClock(room, 6_000);
    // Any queue call sweeps expired leases first (the alarm does too).
    expect((await claimNext(room, "sweeper", { entities: ["tinker"] })).status).toBe(204);
    const after = (await call<{ comments: Message[] }>("GET", `/api/comments/status?room=${room}&ids=j1`)).body
      .comments[0];
    expect(after?.jobs?.map((j) => [j.entity, j.status, j.attempts])).toEqual([
      ["sage", "pending", 1],
      ["wren", "pending", 0],
      ["quill", "pending", 0],
    ]);
    // The expired lease's late complete is refused once another worker holds the job.
    const again = await claimNext(room, "b2", { entities: ["sage"] });
    const late = await call("POST", `/api/queue/complete?room=${room}`, {
      token: BOT_TOKEN,
      body: { messageId: "j1", leaseToken: sage.body.lease.token, reply: { text: "late" } },
    });
    expect(late.status).toBe(409);
    void again;
    // The legacy flow: an AI post with replyTo and botParams.entity answers that entity's job.
    const legacy = await call("POST", `/api/comments?room=${room}`, {
      token: BOT_TOKEN,
      body: {
        text: "wren here",
        username: "Wren",
        color: "230160060",
        "message-type": "AI",
        replyTo: "j1",
        botParams: { entity: "wren" },
      },
    });
    expect(legacy.status).toBe(201);
    const twice = await call("POST", `/api/comments?room=${room}`, {
      token: BOT_TOKEN,
      body: {
        text: "wren again",
        username: "Wren",
        color: "230160060",
        "message-type": "AI",
        replyTo: "j1",
        botParams: { entity: "wren" },
      },
    });
    expect(twice.status).toBe(409);
    const removed = await call("POST", `/api/admin/remove?room=${room}`, {
      token: ADMIN_TOKEN,
      body: { messageId: "j1", reason: "spam" },
    });
    expect(removed.status).toBe(200);
    const gone = (await call<{ comments: Message[] }>("GET", `/api/comments/status?room=${room}&ids=j1`)).body
      .comments[0];
    expect(gone?.jobs?.map((j) => [j.entity, j.status])).toEqual([
      ["sage", "failed"],
      ["wren", "complete"],
      ["quill", "failed"],
    ]);
    expect((await claimNext(room, "b3", { entities: ENTITIES })).status).toBe(204);
    const stats = await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN });
    expect(stats.body.queue.pending + stats.body.queue.processing).toBe(0);
  });
});

describe("context (E9)", () => {
  it("answers the thread up to the human message, the room's last messages, bounded, with the bot token", async () => {
    const room = freshRoom("ctx");
    await present(room);
    await postMessage(room, { id: "x0", text: "unrelated", username: "bob" });
    await postMessage(room, { id: "x1", text: "@sage begin" });
    const a = await answer(room, "sage", "hello @wren");
    const ctx = (scope: string, id: string, limit = 20, token: string | null = BOT_TOKEN) =>
      call("GET", `/api/queue/context?room=${room}&messageId=${id}&scope=${scope}&limit=${limit}`, {
        token: token ?? undefined,
      });
    const thread = await ctx("thread", a.reply.id);
    expect(thread.status).toBe(200);
    expect(thread.body.messages.map((m: Message) => m.id)).toEqual(["x1", a.reply.id]);
    const roomScope = await ctx("room", a.reply.id, 2);
    expect(roomScope.body.messages.map((m: Message) => m.id)).toEqual(["x1", a.reply.id]);
    expect((await ctx("room", a.reply.id, 50)).body.messages.map((m: Message) => m.id)).toEqual([
      "x0",
      "x1",
      a.reply.id,
    ]);
    expect((await ctx("room", a.reply.id, 20, null)).status).toBe(401);
    expect((await ctx("everything", a.reply.id)).status).toBe(400);
    expect((await ctx("room", a.reply.id, 201)).status).toBe(400);
    expect((await ctx("room", "nope")).status).toBe(404);
  });

  it("stores what the entity read on its reply", async () => {
    const room = freshRoom("read");
    await present(room);
    await postMessage(room, { id: "r1", text: "@sage hi" });
    const claim = await claimNext(room, "b", { entities: ["sage"] });
    const done = await call<{ reply: Message }>("POST", `/api/queue/complete?room=${room}`, {
      token: BOT_TOKEN,
      body: {
        messageId: "r1",
        leaseToken: claim.body.lease.token,
        reply: { text: "hello" },
        read: { scope: "room", count: 1, seqs: [claim.body.message.seq] },
      },
    });
    expect(done.body.reply.read).toEqual({ scope: "room", count: 1, seqs: [claim.body.message.seq] });
    const bad = await call("POST", `/api/queue/complete?room=${room}`, {
      token: BOT_TOKEN,
      body: { messageId: "r1", leaseToken: claim.body.lease.token, read: { scope: "all", count: -1 } },
    });
    expect(bad.status).toBe(400);
  });
});
