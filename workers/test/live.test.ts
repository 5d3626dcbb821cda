import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIVE, LIVE_CLOSE, LIVE_ERROR } from "../../types";
import type { Room } from "../room";
import type { Db } from "../room/db";
import type { Messages } from "../room/messages";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";
import { LiveClient } from "./live-client";
import { advanceRoomClock, freezeRoomClock } from "./room-time";

const stubFor = (room: string) => env.ROOM.get(env.ROOM.idFromName(room));

describe("live route", () => {
  it("answers 426 with a code without Upgrade: websocket, and 400 for a bad cursor", async () => {
    const room = freshRoom("live");
    const plain = await call("GET", `/api/live?room=${room}`);
    expect(plain.status).toBe(426);
    expect(plain.body.code).toBe("upgrade_required");
    const bad = await call("GET", `/api/live?room=${room}&cursor=-3`, { headers: { upgrade: "websocket" } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("invalid_input");
  });

  it("says hello with the head, catches up from the cursor, then pushes each new message once, in order", async () => {
    const room = freshRoom("live");
    for (let i = 1; i <= 3; i++) await postMessage(room, { id: `m${i}` });
    const live = await LiveClient.open(room, "cursor=1");
    await live.until(() => live.messages.length === 2, "catch-up");
    expect(live.events[0]).toMatchObject({ type: "hello", head: 3, cursor: 1 });
    expect(live.messages.map((m) => m.id)).toEqual(["m2", "m3"]);

    for (let i = 4; i <= 6; i++) await postMessage(room, { id: `m${i}` });
    await live.until(() => live.messages.length === 5, "pushed messages");
    expect(live.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(live.of("messages").at(-1)?.cursor).toBe(6);
    live.close();
  });

  it("answers the keep-alive ping with pong", async () => {
    const live = await LiveClient.open(freshRoom("live"));
    const pong = new Promise<string>((resolve) =>
      live.ws.addEventListener("message", (e) => {
        if (String(e.data) === LIVE.pong) resolve(String(e.data));
      }),
    );
    // The auto-response bypasses the protocol parser in LiveClient, so listen for the raw text.
    live.ws.send(LIVE.ping);
    expect(await pong).toBe(LIVE.pong);
    live.close();
  });

  it("pushes an addressed message's queue changes: pending, processing, then complete with its reply", async () => {
    const room = freshRoom("live");
    const live = await LiveClient.open(room, "cursor=0");
    await postMessage(room, { id: "ask", botParams: { entity: "eve" } });
    const claim = await claimNext(room, "w1");
    expect(claim.status).toBe(200);
    await call("POST", `/api/queue/complete?room=${room}`, {
      body: { messageId: "ask", leaseToken: claim.body.lease.token, reply: { text: "answer", username: "Eve" } },
      token: BOT_TOKEN,
    });
    await live.until(() => live.messages.length === 2 && live.of("queue").length >= 2, "queue changes");
    const states = live.of("queue").flatMap((e) => e.changes.filter((c) => c.id === "ask").map((c) => c.status));
    expect(states).toEqual(["processing", "complete"]);
    expect(live.messages[0]?.botParams?.status).toBe("pending");
    expect(live.messages[1]).toMatchObject({ "message-type": "AI", replyTo: "ask", text: "answer" });
    live.close();
  });

  it("filters on the server: type=AI gets only AI messages; u= gets that conversation and the replies to it", async () => {
    const room = freshRoom("live");
    const aiOnly = await LiveClient.open(room, "cursor=0&type=AI");
    const bob = await LiveClient.open(room, `cursor=0&u=${encodeURIComponent("Bob:100100100")}`);
    await postMessage(room, { id: "a1", username: "Alice" });
    await postMessage(room, { id: "b1", username: "Bob", color: "100100100", botParams: { entity: "eve" } });
    const claim = await claimNext(room, "w1");
    await call("POST", `/api/queue/complete?room=${room}`, {
      body: { messageId: "b1", leaseToken: claim.body.lease.token, reply: { text: "hi Bob", username: "Eve" } },
      token: BOT_TOKEN,
    });
    await postMessage(room, { id: "a2", username: "Alice" });
    // A probe that sees everything marks the point by which both filtered sockets have had their frames.
    const all = await LiveClient.open(room, "cursor=0");
    await all.until(() => all.messages.length === 4, "everything");
    await bob.until(() => bob.messages.length === 2, "Bob's conversation");
    await aiOnly.until(() => aiOnly.messages.length === 1, "the AI reply");
    expect(bob.messages.map((m) => m.id)).toEqual(["b1", bob.messages[1]?.id]);
    expect(bob.messages[1]?.replyTo).toBe("b1");
    expect(aiOnly.messages.map((m) => m["message-type"])).toEqual(["AI"]);
    expect(bob.of("queue").length).toBeGreaterThan(0);
    expect(aiOnly.of("queue")).toEqual([]);
    for (const c of [aiOnly, bob, all]) c.close();
  });

  it("a filter frame changes what the socket gets from the next broadcast on, and survives eviction", async () => {
    const room = freshRoom("live");
    const live = await LiveClient.open(room, "cursor=0");
    await postMessage(room, { id: "before", username: "Alice" });
    await live.until(() => live.messages.length === 1, "the first broadcast");
    live.ws.send(
      JSON.stringify({ type: "filter", filter: { channel: "ALL", users: [{ username: "Bob", color: "100100100" }] } }),
    );
    // A probe that sees everything marks the point by which the filtered socket has had its frames.
    const probe = await LiveClient.open(room, "cursor=0");
    await postMessage(room, { id: "alice-again", username: "Alice" });
    await postMessage(room, { id: "bob", username: "Bob", color: "100100100" });
    await probe.until(() => probe.messages.length === 3, "probe");
    await live.until(() => live.messages.length === 2, "Bob's message");
    expect(live.messages.map((m) => m.id)).toEqual(["before", "bob"]);

    // After eviction the socket's filter comes back from its attachment, not from memory.
    await evictDurableObject(stubFor(room));
    await postMessage(room, { id: "alice-after", username: "Alice" });
    await postMessage(room, { id: "bob-after", username: "Bob", color: "100100100" });
    await probe.until(() => probe.messages.length === 5, "probe after eviction");
    await live.until(() => live.messages.length === 3, "Bob's next message");
    expect(live.messages.map((m) => m.id)).toEqual(["before", "bob", "bob-after"]);
    for (const c of [live, probe]) c.close();
  });
});

describe("live frame size", () => {
  it("a messages frame leaves out what a viewer can work out: hasMore when false, a cursor that is its last seq", async () => {
    const room = freshRoom("live");
    const live = await LiveClient.open(room, "cursor=0");
    await live.until(() => live.of("hello").length === 1, "hello");
    await postMessage(room, { id: "plain", username: "Alice", color: "100100100" });
    await live.until(() => live.messages.length === 1, "the broadcast");
    const sent = JSON.parse(live.raw.find((f) => f.includes('"plain"')) ?? "{}");
    expect(Object.keys(sent).sort()).toEqual(["messages", "type"]);
    // Decoded, the protocol fills both in: resume from the last seq, nothing more to fetch.
    expect(live.of("messages").at(-1)).toMatchObject({ cursor: sent.messages[0].seq, hasMore: false });

    // A filtered catch-up whose last considered message is hidden still says how far it read.
    await postMessage(room, { id: "hidden", username: "Carol" });
    const filtered = await LiveClient.open(room, `cursor=0&u=${encodeURIComponent("Alice:100100100")}`);
    await filtered.until(() => filtered.of("messages").length === 1, "the filtered catch-up");
    expect(filtered.messages.map((m) => m.id)).toEqual(["plain"]);
    expect(JSON.parse(filtered.raw.find((f) => f.includes('"messages"')) ?? "{}").cursor).toBe(2);
    for (const c of [live, filtered]) c.close();
  });
});

describe("live resume", () => {
  it("a socket that reconnects with its cursor gets exactly what it missed, once, in order", async () => {
    const room = freshRoom("live");
    const first = await LiveClient.open(room, "cursor=0");
    for (let i = 1; i <= 5; i++) await postMessage(room, { id: `r${i}` });
    await first.until(() => first.messages.length === 5, "first five");
    const cursor = first.of("messages").at(-1)?.cursor ?? 0;
    first.close();
    for (let i = 6; i <= 9; i++) await postMessage(room, { id: `r${i}` });
    const again = await LiveClient.open(room, `cursor=${cursor}`);
    await postMessage(room, { id: "r10" });
    await again.until(() => again.messages.length === 5, "missed + new");
    expect([...first.messages, ...again.messages].map((m) => m.id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `r${i + 1}`),
    );
  });

  it("after the room is evicted, open sockets still get the next message and a resume has no gap and no duplicate", async () => {
    const room = freshRoom("live");
    await postMessage(room, { id: "e1" });
    const staying = await LiveClient.open(room, "cursor=0");
    await staying.until(() => staying.messages.length === 1, "e1");
    await evictDurableObject(stubFor(room));
    await postMessage(room, { id: "e2" });
    const resumed = await LiveClient.open(room, "cursor=1");
    await postMessage(room, { id: "e3" });
    await resumed.until(() => resumed.messages.length === 2, "resumed");
    expect(resumed.messages.map((m) => m.id)).toEqual(["e2", "e3"]);
    // The socket outlived the object: the woken room found it and sent the next message.
    await staying.until(() => staying.messages.length === 3, "messages after eviction");
    expect(staying.messages.map((m) => m.id)).toEqual(["e1", "e2", "e3"]);
    expect(staying.closed).toBeNull();
  });

  it("a long absence is caught up in bounded pages: hasMore, then a resume for the rest", async () => {
    const room = freshRoom("live");
    const total = LIVE.catchUpPage * LIVE.catchUpPages + 7;
    const batch = Array.from({ length: total }, (_, i) => i);
    await postMessage(room, { id: "p0" });
    // Seeding only: 2,000 posts through HTTP would take a minute here, so insert them in the object.
    await runInDurableObject(stubFor(room), (object: Room) => {
      const messages = (object as unknown as { messages: Messages }).messages;
      for (const i of batch.slice(1)) {
        messages.post(
          { id: `p${i}`, text: `m${i}`, username: "Seeder", color: "100100100" },
          { now: Date.now(), domain: "test", newId: () => `p${i}` },
        );
      }
    });
    const live = await LiveClient.open(room, "cursor=0");
    await live.until(() => live.of("messages").some((e) => e.hasMore), "a bounded catch-up", 20_000);
    expect(live.messages.length).toBe(LIVE.catchUpPage * LIVE.catchUpPages);
    // A message committed now must not overtake the ones the catch-up has not sent yet.
    await postMessage(room, { id: "newest" });
    await new Promise((r) => setTimeout(r, 200));
    expect(live.messages.length).toBe(LIVE.catchUpPage * LIVE.catchUpPages);
    live.send({ type: "resume", cursor: live.of("messages").at(-1)?.cursor });
    await live.until(() => live.messages.length === total + 1, "the rest");
    expect(live.messages.map((m) => m.seq)).toEqual([...batch.map((i) => i + 1), total + 1]);
    // Caught up: broadcasts flow again.
    await postMessage(room, { id: "after" });
    await live.until(() => live.messages.length === total + 2, "the next broadcast");
  }, 60_000);
});

describe("live resume budget", () => {
  const seed = async (room: string, total: number) => {
    await runInDurableObject(stubFor(room), (object: Room) => {
      const messages = (object as unknown as { messages: Messages }).messages;
      for (let i = 1; i <= total; i++) {
        messages.post(
          { id: `s${i}`, text: `m${i}`, username: "Seeder", color: "100100100" },
          { now: Date.now(), domain: "test", newId: () => `s${i}` },
        );
      }
    });
  };
  const rowsRead = (room: string) =>
    runInDurableObject(stubFor(room), (object: Room) => (object as unknown as { db: Db }).db.totals().rowsRead);

  it("repeated resumes from 0 stop costing rows past the budget: an error event says why, the socket stays open", async () => {
    const room = freshRoom("live-budget");
    await seed(room, 400);
    // Time stands still: no refill, so the budget alone decides (the frame limiter allows a 30-frame burst).
    await freezeRoomClock(room);
    const live = await LiveClient.open(room);
    await live.until(() => live.of("hello").length === 1, "hello");
    const before = await rowsRead(room);
    // 25 resumes from 0 (5 frames of the limiter's burst kept for later), each 401 rows (a page
    // of 200 plus the row saying hasMore, then 200): 10,025 rows before the budget existed.
    const first = LIVE.burst - 5;
    for (let i = 0; i < first; i++) live.send({ type: "resume", cursor: 0 });
    const ends = () => live.of("messages").filter((e) => e.cursor === 400 || e.hasMore).length;
    await live.until(() => ends() + live.of("error").length === first, "every resume answered");
    const spent = (await rowsRead(room)) - before;
    expect(spent).toBeLessThanOrEqual(LIVE.resumeRowsBurst);
    expect(spent).toBeGreaterThan(LIVE.resumeRowsBurst - 2 * 401);
    const errors = live.of("error");
    expect(errors.length).toBeGreaterThanOrEqual(first - Math.ceil(LIVE.resumeRowsBurst / 401));
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set([LIVE_ERROR.resumeBudget]));
    expect(errors[0]?.message).toMatch(/reload the history/);
    expect(live.closed).toBeNull();

    // Refused resumes read nothing at all.
    const idle = await rowsRead(room);
    for (let i = 0; i < 5; i++) live.send({ type: "resume", cursor: 0 });
    await live.until(() => live.of("error").length === errors.length + 5, "five more refusals");
    expect((await rowsRead(room)) - idle).toBe(0);

    // A minute later the budget has refilled enough for a full catch-up again.
    const answered = ends();
    await advanceRoomClock(room, 60_000);
    live.send({ type: "resume", cursor: 0 });
    await live.until(() => ends() === answered + 1, "a catch-up after the refill");
    expect(live.of("messages").at(-1)).toMatchObject({ cursor: 400, hasMore: false });
    live.close();
  }, 30_000);

  it("a client that reconnects and resumes from its cursor never meets the budget, even with hasMore", async () => {
    const room = freshRoom("live-budget");
    const total = LIVE.catchUpPage * LIVE.catchUpPages + 300;
    await seed(room, total);
    await freezeRoomClock(room);
    // Reconnecting with cursor 0 (the longest legitimate gap the budget allows): bounded pages, then resumes.
    const live = await LiveClient.open(room, "cursor=0");
    await live.until(() => live.of("messages").some((e) => e.hasMore), "a bounded catch-up", 20_000);
    live.send({ type: "resume", cursor: live.of("messages").at(-1)?.cursor });
    await live.until(() => live.messages.length === total, "the rest", 20_000);
    // Up to date: further resumes from its cursor cost nothing, however often.
    for (let i = 0; i < 20; i++) live.send({ type: "resume", cursor: total });
    await postMessage(room, { id: "next" });
    await live.until(() => live.messages.length === total + 1, "the next broadcast");
    expect(live.of("error")).toEqual([]);
    live.close();
  }, 30_000);
});

describe("bad frames close only that socket and change nothing stored", () => {
  const cases: [string, (c: LiveClient) => void, number][] = [
    ["malformed JSON", (c) => c.send("{not json"), LIVE_CLOSE.invalidFrame],
    ["a frame of the wrong type", (c) => c.send({ type: "resume", cursor: "seven" }), LIVE_CLOSE.invalidFrame],
    ["an unknown frame", (c) => c.send({ type: "post", text: "hi" }), LIVE_CLOSE.invalidFrame],
    ["a 1 MB frame", (c) => c.send("x".repeat(1024 * 1024)), LIVE_CLOSE.frameTooLarge],
    [
      "1,000 frames a second",
      (c) => {
        for (let i = 0; i < 1000; i++) c.send({ type: "resume", cursor: 0 });
      },
      LIVE_CLOSE.flooding,
    ],
  ];
  for (const [what, misbehave, code] of cases) {
    it(`${what} → close ${code}`, async () => {
      const room = freshRoom("live-bad");
      await postMessage(room, { id: "keep1" });
      const before = await allMessages(room);
      const bystander = await LiveClient.open(room, "cursor=1");
      const bad = await LiveClient.open(room, "cursor=1");
      await bad.until(() => bad.of("hello").length === 1, "hello");
      misbehave(bad);
      await bad.until(() => bad.closed !== null, "the close");
      expect(bad.closed?.code).toBe(code);
      expect(bad.closed?.reason.length).toBeGreaterThan(5);
      expect(await allMessages(room)).toEqual(before);
      await postMessage(room, { id: "keep2" });
      await bystander.until(() => bystander.messages.length === 1, "the bystander's next message");
      expect(bystander.closed).toBeNull();
      bystander.close();
    });
  }

  it("a resume beyond the head gets an error event and the socket stays open", async () => {
    const room = freshRoom("live-bad");
    await postMessage(room, { id: "h1" });
    const live = await LiveClient.open(room, "cursor=1");
    live.send({ type: "resume", cursor: 999 });
    await live.until(() => live.of("error").length === 1, "the error event");
    expect(live.of("error")[0]?.code).toBe("cursor_ahead");
    await postMessage(room, { id: "h2" });
    await live.until(() => live.messages.length === 1, "the next message");
    expect(live.closed).toBeNull();
    live.close();
  });
});

describe("sockets per client address", () => {
  const opened = async (room: string, address: string) => {
    const live = await LiveClient.open(room, "", { "cf-connecting-ip": address });
    await live.until(() => live.of("hello").length === 1 || live.closed !== null, "hello or a close");
    return live;
  };

  it(`the ${LIVE.maxSocketsPerAddress + 1}th socket from one address is closed with ${LIVE_CLOSE.tooManySockets}; another address is unaffected; closing one frees a slot`, async () => {
    const room = freshRoom("live-cap");
    const mine = [];
    for (let i = 0; i < LIVE.maxSocketsPerAddress; i++) mine.push(await opened(room, "203.0.113.7"));
    expect(mine.every((s) => s.closed === null && s.of("hello").length === 1)).toBe(true);

    const over = await opened(room, "203.0.113.7");
    expect(over.closed?.code).toBe(LIVE_CLOSE.tooManySockets);
    expect(over.closed?.reason).toMatch(new RegExp(`already has ${LIVE.maxSocketsPerAddress} live connections`));
    expect(over.events).toEqual([]);

    const neighbour = await opened(room, "198.51.100.2");
    expect(neighbour.closed).toBeNull();
    // The room counts only open sockets: the refused one took no slot, and the others still get pushes.
    await postMessage(room, { id: "after-cap" });
    for (const s of [...mine, neighbour]) await s.until(() => s.messages.length === 1, "the pushed message");

    const first = mine[0] as LiveClient;
    first.close();
    await first.until(() => first.closed !== null, "the close");
    const again = await opened(room, "203.0.113.7");
    expect(again.closed).toBeNull();
    expect(again.of("hello")).toHaveLength(1);
    // Full again: one more is refused.
    expect((await opened(room, "203.0.113.7")).closed?.code).toBe(LIVE_CLOSE.tooManySockets);
    for (const s of [...mine, neighbour, again]) s.close();
  });

  it("the cap outlives the room's eviction (counted by the sockets' tags, not by memory)", async () => {
    const room = freshRoom("live-cap");
    const mine = [];
    for (let i = 0; i < LIVE.maxSocketsPerAddress; i++) mine.push(await opened(room, "203.0.113.9"));
    await evictDurableObject(stubFor(room));
    expect((await opened(room, "203.0.113.9")).closed?.code).toBe(LIVE_CLOSE.tooManySockets);
    for (const s of mine) s.close();
  });

  it("u= on the live route names each pair once: 142 copies of one pair subscribe; 11 distinct pairs are 400", async () => {
    const room = freshRoom("live-u");
    const copies = Array.from({ length: 142 }, () => "a:200100050").join("+");
    const live = await LiveClient.open(room, `cursor=0&u=${encodeURIComponent(copies)}`);
    await live.until(() => live.of("hello").length === 1, "hello");
    await postMessage(room, { id: "a1", username: "a", color: "200100050" });
    await postMessage(room, { id: "b1", username: "b", color: "200100050" });
    await live.until(() => live.messages.length === 1, "a's message");
    expect(live.messages.map((m) => m.id)).toEqual(["a1"]);
    live.close();
    const eleven = Array.from({ length: LIVE.maxFilterUsers + 1 }, (_, i) => `u${i}:200100050`).join("+");
    const refused = await call("GET", `/api/live?room=${room}&u=${encodeURIComponent(eleven)}`, {
      headers: { upgrade: "websocket" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(new RegExp(`at most ${LIVE.maxFilterUsers}`));
  });
});

describe("live moderation", () => {
  it("a removal reaches open sockets as an updated tombstone; a socket from an older rev learns it on connect", async () => {
    const room = freshRoom("live-mod");
    await postMessage(room, { id: "ok1", text: "fine" });
    await postMessage(room, { id: "bad1", text: "something awful" });
    const open = await LiveClient.open(room, "cursor=2");
    await open.until(() => open.of("hello").length === 1, "hello");
    const removed = await call("POST", `/api/admin/remove?room=${room}`, {
      body: { messageId: "bad1", reason: "abuse" },
      token: ADMIN_TOKEN,
    });
    expect(removed.status).toBe(200);
    await open.until(() => open.of("updated").length === 1, "the tombstone");
    const [tombstone] = open.of("updated")[0]?.messages ?? [];
    expect(tombstone).toMatchObject({ id: "bad1", seq: 2, text: "", removed: { reason: "abuse" } });
    expect(JSON.stringify(open.events)).not.toContain("something awful");

    // A page whose window came from an older snapshot (rev 0) connects: it gets the tombstone once.
    const late = await LiveClient.open(room, "cursor=2&rev=0");
    await late.until(() => late.of("updated").length === 1, "changes since rev 0");
    expect(late.of("updated")[0]?.messages.map((m) => [m.id, m.text])).toEqual([["bad1", ""]]);
    for (const c of [open, late]) c.close();
  });
});
