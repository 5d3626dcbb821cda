import { describe, expect, it } from "vitest";
import { commentsPageSchema, LIVE, messageSchema } from "../../types";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, freshRoom, human, postMessage } from "./client";

describe("POST /api/comments", () => {
  it("stores a message with a server seq and timestamp and returns 201 with it", async () => {
    const room = freshRoom();
    const res = await call("POST", `/api/comments?room=${room}`, {
      body: human({ id: "m-1", text: "  hi\nthere  ", timestamp: 42, language: "en", misc: "x", seq: 999 }),
    });
    expect(res.status).toBe(201);
    const message = messageSchema.parse(res.body);
    expect(message).toMatchObject({
      id: "m-1",
      seq: 1,
      text: "hi\nthere",
      clientTimestamp: 42,
      "message-type": "human",
    });
    expect(message.timestamp).toBeGreaterThan(1_700_000_000_000);
    expect(res.body).not.toHaveProperty("language");
  });

  it("a replay of the same id and content returns 200 and the stored message, never a second one", async () => {
    const room = freshRoom();
    const first = await call("POST", `/api/comments?room=${room}`, { body: human({ id: "same" }) });
    // What the server owns or the sender rebuilds is not content: timestamp, domain, context, spacing.
    const again = await call("POST", `/api/comments?room=${room}`, {
      body: human({ id: "same", text: "  hello there\n", timestamp: 7, domain: "elsewhere.test", context: ["x: y"] }),
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await allMessages(room)).toHaveLength(1);
  });

  it("another message under a taken id is 409 conflict and stores nothing; the first stays as it was", async () => {
    const room = freshRoom();
    await postMessage(room, { id: "parent" });
    const ask = { entity: "eve", priority: 10, model: "m1", ais: "Eve:050100200" };
    const firstAsk = human({ id: "ask", botParams: ask });
    const first = await call("POST", `/api/comments?room=${room}`, { body: firstAsk });
    expect(first.status).toBe(201);
    const changes: [string, Record<string, unknown>, string?][] = [
      ["text", { text: "the attacker's words" }],
      ["username", { username: "Mallory" }],
      ["color", { color: "000000001" }],
      ["message-type", { "message-type": "AI" }, BOT_TOKEN],
      ["replyTo", { replyTo: "parent" }, BOT_TOKEN],
      ["botParams", { botParams: undefined }],
      ["botParams.entity", { botParams: { ...ask, entity: "zed" } }],
      ["botParams.priority", { botParams: { ...ask, priority: undefined } }],
      ["botParams.model", { botParams: { ...ask, model: "m2" } }],
      ["botParams.ais", { botParams: { ...ask, ais: undefined } }],
    ];
    for (const [field, change, token] of changes) {
      const res = await call("POST", `/api/comments?room=${room}`, { body: { ...firstAsk, ...change }, token });
      expect(res.status, field).toBe(409);
      expect(res.body.code, field).toBe("conflict");
      expect(res.body.error, field).toContain(`its ${field} differs`);
      expect(res.body.error, field).toMatch(/new id/);
    }
    // A human's first post under an id an AI later claims: same answer for the bot's reply path.
    const claimed = await call("POST", `/api/comments?room=${room}`, {
      body: { ...firstAsk, botParams: undefined, "message-type": "AI", replyTo: "parent", text: "reply" },
      token: BOT_TOKEN,
    });
    expect(claimed.status).toBe(409);
    const all = await allMessages(room);
    expect(all.map((m) => m.id)).toEqual(["parent", "ask"]);
    expect(all[1]).toEqual(first.body);
    expect((await call("POST", `/api/comments?room=${room}`, { body: firstAsk })).status).toBe(200);
  });

  it("a replay of a removed message answers its tombstone (its text is gone, so only type and thread compare)", async () => {
    const room = freshRoom();
    const body = human({ id: "gone", text: "something rude" });
    await call("POST", `/api/comments?room=${room}`, { body });
    const removed = await call("POST", `/api/admin/remove?room=${room}`, {
      body: { messageId: "gone", reason: "rude" },
      token: ADMIN_TOKEN,
    });
    expect(removed.status).toBe(200);
    const again = await call("POST", `/api/comments?room=${room}`, { body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: "gone", text: "", removed: { reason: "rude" } });
    const addressed = await call("POST", `/api/comments?room=${room}`, {
      body: { ...body, botParams: { entity: "eve" } },
    });
    expect(addressed.status).toBe(409);
    expect(await allMessages(room)).toHaveLength(1);
  });

  it("an AI reply replayed with its content is 200 (its question stays answered once); other content is 409", async () => {
    const room = freshRoom();
    await postMessage(room, { id: "q", botParams: { entity: "eve" } });
    const reply = { text: "an answer", username: "Eve", color: "050100200", "message-type": "AI", replyTo: "q" };
    const first = await call("POST", `/api/comments?room=${room}`, { body: { id: "r", ...reply }, token: BOT_TOKEN });
    expect(first.status).toBe(201);
    const again = await call("POST", `/api/comments?room=${room}`, { body: { id: "r", ...reply }, token: BOT_TOKEN });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await call("POST", `/api/comments?room=${room}`, {
      body: { id: "r", ...reply, text: "a different answer" },
      token: BOT_TOKEN,
    });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("conflict");
    const all = await allMessages(room);
    expect(all.map((m) => [m.id, m.text])).toEqual([
      ["q", "hello there"],
      ["r", "an answer"],
    ]);
    expect(all[0]?.botParams?.status).toBe("complete");
  });

  it("generates an id when none is sent", async () => {
    const message = await postMessage(freshRoom(), {});
    expect(message.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it("queues an addressed message as pending with default priority 50 (and keeps priority 0)", async () => {
    const room = freshRoom();
    const a = await postMessage(room, { botParams: { entity: "eve", status: "complete", attempts: 7 } });
    const b = await postMessage(room, { botParams: { entity: "eve", priority: 0 } });
    expect(a.botParams).toMatchObject({ entity: "eve", priority: 50, status: "pending", attempts: 0 });
    expect(b.botParams?.priority).toBe(0);
  });

  it("defaults domain to the host the message was posted to", async () => {
    const m = await postMessage(freshRoom(), { domain: undefined });
    expect(m.domain).toBe("sww.test");
  });

  describe("the domain is the server's word (F8: the 'this domain' filter trusts it)", () => {
    async function postFrom(room: string, origin: string | undefined, domain: string | undefined) {
      const res = await call("POST", `/api/comments?room=${room}`, {
        body: human({ domain }),
        headers: origin ? { origin } : {},
      });
      expect(res.status).toBe(201);
      return res.body.domain as string;
    }

    it("replaces a domain the body claims with the Origin's host, and keeps one that matches", async () => {
      const room = freshRoom();
      expect(await postFrom(room, "https://saywhatwant.app", "evil.example")).toBe("saywhatwant.app");
      expect(await postFrom(room, "https://saywhatwant.app", "saywhatwant.app")).toBe("saywhatwant.app");
      expect(await postFrom(room, "https://SayWhatWant.app:8443", "saywhatwant.app")).toBe("saywhatwant.app");
      expect(await postFrom(room, "http://localhost:3000", undefined)).toBe("localhost");
      // As stored: a later read says the same.
      const stored = (await allMessages(room)).map((m) => m.domain);
      expect(stored).toEqual(["saywhatwant.app", "saywhatwant.app", "saywhatwant.app", "localhost"]);
    });

    it("with no Origin (or an opaque one) the request URL's host decides", async () => {
      const room = freshRoom();
      expect(await postFrom(room, undefined, "saywhatwant.app")).toBe("sww.test");
      expect(await postFrom(room, "null", "saywhatwant.app")).toBe("sww.test");
      expect(await postFrom(room, "not a url", "x")).toBe("sww.test");
    });
  });

  describe("rejects bad input with a clear error and stores nothing", () => {
    const cases: [string, Partial<{ body: unknown; rawBody: string; headers: Record<string, string> }>, number][] = [
      ["missing text", { body: human({ text: undefined }) }, 400],
      ["blank text", { body: human({ text: "   " }) }, 400],
      ["text over 1000 chars", { body: human({ text: "x".repeat(1001) }) }, 400],
      ["mistyped text", { body: human({ text: 42 }) }, 400],
      ["missing username", { body: human({ username: undefined }) }, 400],
      ["username with a space", { body: human({ username: "a b" }) }, 400],
      ["username over 16", { body: human({ username: "x".repeat(17) }) }, 400],
      ["bad color", { body: human({ color: "red" }) }, 400],
      ["color channel over 255", { body: human({ color: "256000000" }) }, 400],
      ["bad id", { body: human({ id: "has space" }) }, 400],
      ["priority out of range", { body: human({ botParams: { entity: "e", priority: 100 } }) }, 400],
      ["a context line over 2000 chars", { body: human({ context: ["a: ".padEnd(2001, "b")] }) }, 400],
      ["invalid JSON", { rawBody: "{not json" }, 400],
      ["a JSON array", { rawBody: "[1,2]" }, 400],
      ["wrong content type", { rawBody: "text=hi", headers: { "content-type": "text/plain" } }, 415],
      ["a 1 MB body", { rawBody: JSON.stringify(human({ text: "x".repeat(1024 * 1024) })) }, 413],
    ];
    for (const [name, opts, status] of cases) {
      it(`${name} → ${status}`, async () => {
        const room = freshRoom();
        await postMessage(room, { id: "kept" });
        const res = await call<{ error: string; issues?: unknown[] }>("POST", `/api/comments?room=${room}`, opts);
        expect(res.status).toBe(status);
        expect(typeof res.body.error).toBe("string");
        expect(res.body.error.length).toBeGreaterThan(5);
        if (status === 400 && opts.body) expect(Array.isArray(res.body.issues)).toBe(true);
        const stored = await allMessages(room);
        expect(stored.map((m) => m.id)).toEqual(["kept"]);
      });
    }
  });

  it("an AI message or a replyTo needs the bot token (401 without, 403 with a wrong one)", async () => {
    const room = freshRoom();
    const parent = await postMessage(room, { id: "p" });
    const ai = human({ "message-type": "AI", username: "Eve" });
    expect((await call("POST", `/api/comments?room=${room}`, { body: ai })).status).toBe(401);
    expect((await call("POST", `/api/comments?room=${room}`, { body: ai, token: "wrong" })).status).toBe(403);
    const reply = human({ replyTo: parent.id });
    expect((await call("POST", `/api/comments?room=${room}`, { body: reply })).status).toBe(401);
    expect((await allMessages(room)).map((m) => m.id)).toEqual(["p"]);
    expect((await call("POST", `/api/comments?room=${room}`, { body: ai, token: BOT_TOKEN })).status).toBe(201);
    expect((await call("POST", `/api/comments?room=${room}`, { body: ai, token: ADMIN_TOKEN })).status).toBe(201);
  });

  it("a replyTo that names no message is 404 and stores nothing", async () => {
    const room = freshRoom();
    const res = await call("POST", `/api/comments?room=${room}`, {
      body: human({ "message-type": "AI", replyTo: "nope" }),
      token: BOT_TOKEN,
    });
    expect(res.status).toBe(404);
    expect(await allMessages(room)).toHaveLength(0);
  });

  it("an invalid room name is 400", async () => {
    const res = await call("POST", "/api/comments?room=../etc", { body: human() });
    expect(res.status).toBe(400);
  });
});

describe("GET /api/comments", () => {
  it("cursor polling returns seq > N ascending, with the next cursor and hasMore", async () => {
    const room = freshRoom();
    for (let i = 1; i <= 5; i++) await postMessage(room, { id: `m${i}`, text: `n${i}` });
    const first = await call("GET", `/api/comments?room=${room}&cursor=0&limit=3`);
    expect(commentsPageSchema.parse(first.body)).toMatchObject({ cursor: 3, hasMore: true });
    expect(first.body.comments.map((m: { seq: number }) => m.seq)).toEqual([1, 2, 3]);
    const next = await call("GET", `/api/comments?room=${room}&cursor=3&limit=3`);
    expect(next.body).toMatchObject({ cursor: 5, hasMore: false });
    expect(next.body.comments.map((m: { id: string }) => m.id)).toEqual(["m4", "m5"]);
    const empty = await call("GET", `/api/comments?room=${room}&cursor=5`);
    expect(empty.body).toEqual({ comments: [], cursor: 5, hasMore: false });
  });

  it("an empty poll reads no KV and no rows (Server-Timing)", async () => {
    const room = freshRoom();
    for (let i = 0; i < 20; i++) await postMessage(room);
    const res = await call("GET", `/api/comments?room=${room}&cursor=20`);
    expect(res.timing).toMatchObject({ kv_read: 0, kv_write: 0, rows_read: 0, rows_written: 0 });
  });

  it("without a cursor returns the recent window ascending with the head as cursor", async () => {
    const room = freshRoom();
    for (let i = 1; i <= 12; i++) await postMessage(room, { id: `w${i}` });
    const res = await call("GET", `/api/comments?room=${room}&limit=5`);
    expect(res.status).toBe(200);
    expect(res.body.comments.map((m: { id: string }) => m.id)).toEqual(["w8", "w9", "w10", "w11", "w12"]);
    expect(res.body).toMatchObject({ cursor: 12, hasMore: true });
  });

  it("before=N loads older history ascending with hasMore", async () => {
    const room = freshRoom();
    for (let i = 1; i <= 10; i++) await postMessage(room, { id: `h${i}` });
    const res = await call("GET", `/api/comments?room=${room}&before=6&limit=3`);
    expect(res.body.comments.map((m: { seq: number }) => m.seq)).toEqual([3, 4, 5]);
    expect(res.body.hasMore).toBe(true);
    const oldest = await call("GET", `/api/comments?room=${room}&before=3&limit=3`);
    expect(oldest.body.comments.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(oldest.body.hasMore).toBe(false);
  });

  it("filters by user pairs (name:color+name:color) and by type on the server", async () => {
    const room = freshRoom();
    await postMessage(room, { id: "a1", username: "Alice", color: "200100050" });
    await postMessage(room, { id: "b1", username: "Bob", color: "050100200" });
    await postMessage(room, { id: "a-other-color", username: "Alice", color: "000000000" });
    await postMessage(room, { id: "c1", username: "Carol", color: "100100100" });
    await call("POST", `/api/comments?room=${room}`, {
      body: human({ id: "ai1", username: "Eve", color: "255000255", "message-type": "AI" }),
      token: BOT_TOKEN,
    });
    const u = encodeURIComponent("Alice:200100050+Bob:050100200");
    const both = await call("GET", `/api/comments?room=${room}&u=${u}`);
    expect(both.body.comments.map((m: { id: string }) => m.id)).toEqual(["a1", "b1"]);
    const polled = await call("GET", `/api/comments?room=${room}&u=${u}&cursor=1`);
    expect(polled.body.comments.map((m: { id: string }) => m.id)).toEqual(["b1"]);
    const ai = await call("GET", `/api/comments?room=${room}&type=AI`);
    expect(ai.body.comments.map((m: { id: string }) => m.id)).toEqual(["ai1"]);
    const humans = await call("GET", `/api/comments?room=${room}&type=human&cursor=0`);
    expect(humans.body.comments).toHaveLength(4);
  });

  it("a repeated user pair costs what one pair costs; more than LIVE.maxFilterUsers distinct pairs is 400", async () => {
    const room = freshRoom();
    for (let i = 0; i < 30; i++) await postMessage(room, { id: `a${i}`, username: "a", color: "200100050" }, BOT_TOKEN);
    await postMessage(room, { id: "b0", username: "b", color: "050100200" }, BOT_TOKEN);
    const reads = async (u: string, extra: string) => {
      const res = await call("GET", `/api/comments?room=${room}&u=${encodeURIComponent(u)}${extra}`);
      expect(res.status, u.slice(0, 40)).toBe(200);
      return { ids: res.body.comments.map((m: { id: string }) => m.id), rows: res.timing.rows_read ?? Number.NaN };
    };
    for (const extra of ["", "&cursor=0", "&before=32"]) {
      const one = await reads("a:200100050", extra);
      expect(one.ids).toHaveLength(30);
      // 142 copies (within the 2,000-character u=) once read 142 × the rows of one.
      const copies = await reads(Array.from({ length: 142 }, () => "a:200100050").join("+"), extra);
      expect(copies).toEqual(one);
      expect(copies.rows).toBeGreaterThan(0);
      expect(copies.rows).toBeLessThanOrEqual(31);
    }
    const ten = Array.from({ length: LIVE.maxFilterUsers }, (_, i) => `u${i}:200100050`);
    expect((await reads([...ten, ...ten].join("+"), "")).ids).toEqual([]);
    const tooMany = await call(
      "GET",
      `/api/comments?room=${room}&u=${encodeURIComponent([...ten, "b:050100200"].join("+"))}`,
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: "invalid_input" });
    expect(tooMany.body.error).toMatch(new RegExp(`at most ${LIVE.maxFilterUsers}`));
    expect(tooMany.timing.rows_read ?? 0).toBe(0);
  });

  it("legacy after=<ms> returns a bare array, newest first", async () => {
    const room = freshRoom();
    const first = await postMessage(room, { id: "old" });
    await postMessage(room, { id: "new1" });
    await postMessage(room, { id: "new2" });
    const res = await call("GET", `/api/comments?room=${room}&after=${first.timestamp - 1}`);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.map((m: { id: string }) => m.id)).toEqual(["new2", "new1", "old"]);
  });

  it("rejects bad query parameters with 400", async () => {
    for (const q of ["cursor=-1", "cursor=abc", "limit=-1", "limit=501", "type=robots", "before=0"]) {
      const res = await call("GET", `/api/comments?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body.error).toMatch(/Invalid query/);
    }
  });

  it("status?ids= returns the current state of those messages", async () => {
    const room = freshRoom();
    await postMessage(room, { id: "s1", botParams: { entity: "eve" } });
    await postMessage(room, { id: "s2" });
    const res = await call("GET", `/api/comments/status?room=${room}&ids=s1,s2,missing`);
    expect(res.status).toBe(200);
    expect(res.body.comments.map((m: { id: string }) => m.id)).toEqual(["s1", "s2"]);
    expect(res.body.comments[0].botParams.status).toBe("pending");
    expect((await call("GET", `/api/comments/status?room=${room}`)).status).toBe(400);
  });
});

describe("PATCH /api/comments/:id", () => {
  it("processed: true with the bot token settles the addressed message and returns it", async () => {
    const room = freshRoom();
    await postMessage(room, { id: "x", botParams: { entity: "eve" } });
    const res = await call("PATCH", `/api/comments/x?room=${room}`, {
      body: { botParams: { processed: true } },
      token: BOT_TOKEN,
    });
    expect(res.status).toBe(200);
    expect(res.body.botParams.processed).toBe(true);
    // Left pending it would never expire nor fail; legacy-clients.test.ts covers the rest.
    expect(res.body.botParams.status).toBe("complete");
  });

  it("401 without a token, 404 for an unknown id, 400 for another body", async () => {
    const room = freshRoom();
    await postMessage(room, { id: "x" });
    const body = { botParams: { processed: true } };
    expect((await call("PATCH", `/api/comments/x?room=${room}`, { body })).status).toBe(401);
    expect((await call("PATCH", `/api/comments/nope?room=${room}`, { body, token: BOT_TOKEN })).status).toBe(404);
    expect(
      (await call("PATCH", `/api/comments/x?room=${room}`, { body: { text: "y" }, token: BOT_TOKEN })).status,
    ).toBe(400);
  });
});

describe("routing", () => {
  it("unknown API routes are 404 JSON; wrong methods are 405 JSON with Allow", async () => {
    const missing = await call("GET", "/api/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/No API route/);
    const wrong = await call("DELETE", "/api/comments");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
    expect(wrong.body.error).toMatch(/not allowed/);
    expect((await call("GET", "/api/queue/claim", { token: BOT_TOKEN })).status).toBe(405);
  });

  it("health and heartbeat answer; every response carries Server-Timing", async () => {
    const room = freshRoom();
    const health = await call("GET", "/api/health");
    expect(health.body).toEqual({ ok: true });
    expect(health.headers.get("server-timing")).toMatch(/rows_read/);
    expect((await call("GET", `/api/heartbeat?room=${room}`)).body).toBe("0");
    const m = await postMessage(room);
    expect((await call("GET", `/api/heartbeat?room=${room}`)).body).toBe(String(m.timestamp));
  });

  it("CORS allows configured origins only", async () => {
    const ok = await call("GET", "/api/health", { headers: { origin: "http://localhost:3000" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    const no = await call("GET", "/api/health", { headers: { origin: "https://evil.example" } });
    expect(no.headers.get("access-control-allow-origin")).toBeNull();
  });
});
