import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { botTokenListSchema, createdBotTokenSchema, type Message } from "../../types";
import { hashToken } from "../credentials/tokens";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, freshRoom, postMessage } from "./client";

const q = (room: string, route: string) => `/api/queue/${route}?room=${room}`;
let names = 0;
const freshName = (label: string) => `${label}-${Date.now().toString(36)}-${++names}`;

async function createToken(name: string, entities: string[] | "*"): Promise<string> {
  const res = await call("POST", "/api/admin/tokens", { body: { name, entities }, token: ADMIN_TOKEN });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return createdBotTokenSchema.parse(res.body).token;
}

async function addressed(room: string, id: string, entity: string): Promise<Message> {
  return postMessage(room, { id, text: `question ${id}`, botParams: { entity } });
}

async function claimAs(room: string, messageId: string, token: string) {
  return call("POST", q(room, "claim"), { body: { messageId, workerId: "w" }, token });
}

describe("admin API for bot tokens", () => {
  it("creates a token shown once, lists it without secret or hash, and needs the admin token", async () => {
    const name = freshName("lister");
    const bodies: unknown[] = [];
    const created = await call("POST", "/api/admin/tokens", { body: { name, entities: ["sage"] }, token: ADMIN_TOKEN });
    bodies.push(created.body);
    const { token, info } = createdBotTokenSchema.parse(created.body);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(info).toMatchObject({ name, entities: ["sage"], revokedAt: null });

    const list = await call("GET", "/api/admin/tokens", { token: ADMIN_TOKEN });
    const listed = botTokenListSchema.parse(list.body).tokens.find((t) => t.name === name);
    expect(listed).toEqual(info);
    const hash = await hashToken(token);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toContain(hash);

    // Stored hashed: the registry holds the SHA-256 and never the token itself.
    const stub = env.CREDENTIALS.get(env.CREDENTIALS.idFromName("credentials"));
    const rows = await runInDurableObject(stub, (_o, state) =>
      state.storage.sql.exec<{ hash: string }>("SELECT * FROM bot_tokens WHERE name = ?", name).toArray(),
    );
    expect(rows.map((r) => r.hash)).toEqual([hash]);
    expect(JSON.stringify(rows)).not.toContain(token);

    expect((await call("GET", "/api/admin/tokens")).status).toBe(401);
    expect((await call("GET", "/api/admin/tokens", { token: BOT_TOKEN })).status).toBe(403);
    expect((await call("GET", "/api/admin/tokens", { token })).status).toBe(403);
    const byBot = await call("POST", "/api/admin/tokens", { body: { name: freshName("x"), entities: "*" }, token });
    expect(byBot.status).toBe(403);
  });

  it("refuses a second live token with the same name (409) and bad input (400) without storing anything", async () => {
    const name = freshName("dup");
    await createToken(name, ["sage"]);
    const again = await call("POST", "/api/admin/tokens", { body: { name, entities: ["wren"] }, token: ADMIN_TOKEN });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("conflict");
    for (const body of [
      { name: "has space", entities: ["sage"] },
      { name: "admin", entities: "*" },
      { name: freshName("e"), entities: [] },
      { name: freshName("e"), entities: "sage" },
      { entities: ["sage"] },
    ]) {
      const bad = await call("POST", "/api/admin/tokens", { body, token: ADMIN_TOKEN });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.body.code).toBe("invalid_input");
    }
    const list = botTokenListSchema.parse((await call("GET", "/api/admin/tokens", { token: ADMIN_TOKEN })).body);
    expect(list.tokens.filter((t) => t.name === name)).toHaveLength(1);
    expect(list.tokens.some((t) => t.name === "admin" || t.name === "has space")).toBe(false);
    const unknown = await call("POST", "/api/admin/tokens/revoke", {
      body: { name: freshName("nx") },
      token: ADMIN_TOKEN,
    });
    expect(unknown.status).toBe(404);
  });
});

describe("a token limited to sage", () => {
  it("cannot claim, complete or post as wren (403 forbidden), and nothing about wren's message changes", async () => {
    const room = freshRoom();
    const sage = await createToken(freshName("sage-bot"), ["sage"]);
    await addressed(room, "w1", "wren");
    await addressed(room, "s1", "sage");

    const claimWren = await claimAs(room, "w1", sage);
    expect(claimWren.status).toBe(403);
    expect(claimWren.body.code).toBe("forbidden");

    const nextWren = await call("POST", q(room, "claim-next"), {
      body: { workerId: "w", entities: ["wren"] },
      token: sage,
    });
    expect(nextWren.status).toBe(403);
    expect(nextWren.body.code).toBe("forbidden");
    const nextMixed = await call("POST", q(room, "claim-next"), {
      body: { workerId: "w", entities: ["sage", "wren"] },
      token: sage,
    });
    expect(nextMixed.status).toBe(403);

    const pendingWren = await call("GET", `${q(room, "pending")}&entity=wren`, { token: sage });
    expect(pendingWren.status).toBe(403);

    // The legacy token holds wren's message; the sage token cannot touch that lease.
    const held = await claimAs(room, "w1", BOT_TOKEN);
    expect(held.status).toBe(200);
    const leaseToken = held.body.lease.token as string;
    const reply = { text: "I am wren, honestly", username: "wren" };
    for (const [route, body] of [
      ["complete", { messageId: "w1", leaseToken, reply }],
      ["complete", { messageId: "w1", reply }],
      ["heartbeat", { messageId: "w1", leaseToken }],
      ["fail", { messageId: "w1", leaseToken, error: "sabotage" }],
      ["release", { messageId: "w1", leaseToken }],
    ] as const) {
      const res = await call("POST", q(room, route), { body, token: sage });
      expect(res.status, route).toBe(403);
      expect(res.body.code, route).toBe("forbidden");
    }
    const asWren = await call("POST", `/api/comments?room=${room}`, {
      body: { text: "wren here", username: "wren", color: "100100100", "message-type": "AI", replyTo: "w1" },
      token: sage,
    });
    expect(asWren.status).toBe(403);
    expect(asWren.body.code).toBe("forbidden");
    const unprompted = await call("POST", `/api/comments?room=${room}`, {
      body: { text: "out of nowhere", username: "wren", color: "100100100", "message-type": "AI" },
      token: sage,
    });
    expect(unprompted.status).toBe(403);
    const patch = await call("PATCH", `/api/comments/w1?room=${room}`, {
      body: { botParams: { processed: true } },
      token: sage,
    });
    expect(patch.status).toBe(403);

    // As an admin reads it: the lease holder is admin and bot detail.
    const stored = await allMessages(room, ADMIN_TOKEN);
    expect(stored.map((m) => m.id)).toEqual(["w1", "s1"]);
    expect(stored[0]?.botParams).toMatchObject({ status: "processing", claimedBy: "w", attempts: 0 });
  });

  it("claims and answers sage's work, and claim-next without entities claims only sage's", async () => {
    const room = freshRoom();
    const sage = await createToken(freshName("sage-bot"), ["sage"]);
    await addressed(room, "w-urgent", "wren");
    await addressed(room, "s1", "sage");
    const next = await call("POST", q(room, "claim-next"), { body: { workerId: "sage-1" }, token: sage });
    expect(next.status).toBe(200);
    expect(next.body.message.id).toBe("s1");
    const done = await call("POST", q(room, "complete"), {
      body: { messageId: "s1", leaseToken: next.body.lease.token, reply: { text: "sage says hi" } },
      token: sage,
    });
    expect(done.status).toBe(200);
    expect(done.body.reply).toMatchObject({ replyTo: "s1", "message-type": "AI" });
    expect((await call("POST", q(room, "claim-next"), { body: { workerId: "sage-1" }, token: sage })).status).toBe(204);
    // The documented post-then-complete flow works within scope too.
    await addressed(room, "s2", "sage");
    const posted = await call("POST", `/api/comments?room=${room}`, {
      body: { text: "sage again", username: "sage", color: "100100100", "message-type": "AI", replyTo: "s2" },
      token: sage,
    });
    expect(posted.status).toBe(201);
    const pending = await call("GET", q(room, "pending"), { token: sage });
    expect(pending.body.pending).toEqual([]);
  });

  it("stops working the moment it is revoked", async () => {
    const room = freshRoom();
    const name = freshName("revoked");
    const token = await createToken(name, ["sage"]);
    await addressed(room, "s1", "sage");
    await addressed(room, "s2", "sage");
    const first = await call("POST", q(room, "claim-next"), { body: { workerId: "w" }, token });
    expect(first.status).toBe(200);

    const revoked = await call("POST", "/api/admin/tokens/revoke", { body: { name }, token: ADMIN_TOKEN });
    expect(revoked.status).toBe(200);
    expect(revoked.body.info.revokedAt).toEqual(expect.any(Number));

    const after = await call("POST", q(room, "claim-next"), { body: { workerId: "w" }, token });
    expect(after.status).toBe(403);
    expect(after.body.code).toBe("forbidden");
    const complete = await call("POST", q(room, "complete"), {
      body: { messageId: "s1", leaseToken: first.body.lease.token, reply: { text: "too late" } },
      token,
    });
    expect(complete.status).toBe(403);
    expect((await allMessages(room)).map((m) => m.botParams?.status)).toEqual(["processing", "pending"]);

    // Still refused after the registry object restarts (the revoke was stored, not just remembered).
    const stub = env.CREDENTIALS.get(env.CREDENTIALS.idFromName("credentials"));
    await evictDurableObject(stub);
    expect((await call("POST", q(room, "claim-next"), { body: { workerId: "w" }, token })).status).toBe(403);

    // The name is free again, with a new secret; the old one stays dead.
    const fresh = await createToken(name, ["sage"]);
    expect(fresh).not.toBe(token);
    expect((await call("POST", q(room, "claim-next"), { body: { workerId: "w" }, token: fresh })).status).toBe(200);
    expect((await call("GET", q(room, "pending"), { token })).status).toBe(403);
  });
});

describe("the legacy BOT_TOKEN", () => {
  it("still works for every entity, as does an all-entity named token", async () => {
    const room = freshRoom();
    await addressed(room, "w1", "wren");
    await addressed(room, "s1", "sage");
    const wren = await claimAs(room, "w1", BOT_TOKEN);
    expect(wren.status).toBe(200);
    const done = await call("POST", q(room, "complete"), {
      body: { messageId: "w1", leaseToken: wren.body.lease.token, reply: { text: "wren answers" } },
      token: BOT_TOKEN,
    });
    expect(done.status).toBe(200);
    const unprompted = await call("POST", `/api/comments?room=${room}`, {
      body: { text: "hello all", username: "wren", color: "100100100", "message-type": "AI" },
      token: BOT_TOKEN,
    });
    expect(unprompted.status).toBe(201);

    const everyone = await createToken(freshName("all"), "*");
    const sage = await call("POST", q(room, "claim-next"), { body: { workerId: "w" }, token: everyone });
    expect(sage.body.message.id).toBe("s1");
  });
});
