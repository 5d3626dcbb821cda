import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Message, roomSchema } from "../../types";
import { ADMIN_TOKEN, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";

// Names every JavaScript object already has. Sent as an entity id they once reached
// Object.prototype through the stats and took every route down with a 500 until the Worker
// restarted; as usernames, rooms and user filters they are ordinary strings and must stay so.
const KEYS = ["__proto__", "constructor", "prototype"] as const;

/** Object.prototype as the Worker sees it: nothing added, nothing replaced. */
function prototypeIsClean(): boolean {
  const plain: Record<string, unknown> = {};
  return (
    plain.pending === undefined &&
    plain.sage === undefined &&
    Object.getPrototypeOf(plain) === Object.prototype &&
    Object.keys(Object.prototype).length === 0 &&
    Object.prototype.toString.call(plain) === "[object Object]"
  );
}

async function expectPrototypeCleanEverywhere(room: string): Promise<void> {
  expect(prototypeIsClean()).toBe(true);
  // biome-ignore lint/suspicious/noProto: the accessor itself is what must still work
  expect(({} as { __proto__: unknown }).__proto__).toBe(Object.prototype);
  const stub = env.ROOM.get(env.ROOM.idFromName(room));
  expect(await runInDurableObject(stub, () => prototypeIsClean())).toBe(true);
}

/** Every kind of route answers as documented: reads, posts, stats, health, the queue (bot) and admin. */
async function expectEveryRouteAnswers(room: string): Promise<void> {
  expect((await call("GET", "/api/health")).status).toBe(200);
  expect((await call("GET", `/api/stats?room=${room}`)).status).toBe(200);
  expect((await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN })).status).toBe(200);
  expect((await call("GET", `/api/comments?room=${room}`)).status).toBe(200);
  expect((await call("GET", `/api/comments?room=${room}&cursor=0`)).status).toBe(200);
  expect((await call("GET", `/api/entities?room=${room}`)).status).toBe(200);
  const posted = await call("POST", `/api/comments?room=${room}`, {
    body: { text: "still here", username: "Alice", color: "200100050", botParams: { entity: "sage" } },
  });
  expect(posted.status).toBe(201);
  const pending = await call("GET", `/api/queue/pending?room=${room}&entity=sage`, { token: BOT_TOKEN });
  expect(pending.status).toBe(200);
  expect(pending.body.pending.map((m: Message) => m.id)).toContain(posted.body.id);
  expect((await call("GET", "/api/admin/tokens", { token: ADMIN_TOKEN })).status).toBe(200);
  expect((await call("GET", `/api/admin/mutes?room=${room}`, { token: ADMIN_TOKEN })).status).toBe(200);
  const requeue = await call("POST", `/api/admin/requeue?room=${room}`, {
    body: { messageId: posted.body.id },
    token: ADMIN_TOKEN,
  });
  expect(requeue.status).toBeLessThan(500);
}

describe("prototype names as entity ids are refused everywhere an entity id is accepted", () => {
  it("botParams.entity: 400 invalid_input naming the rule, nothing stored, and every route still answers", async () => {
    const room = freshRoom("proto");
    for (const entity of KEYS) {
      const res = await call("POST", `/api/comments?room=${room}`, {
        body: {
          text: "x",
          username: "tester",
          color: "100150200",
          domain: "localhost",
          "message-type": "human",
          botParams: { entity },
        },
      });
      expect(res.status, entity).toBe(400);
      expect(res.body.code).toBe("invalid_input");
      expect(JSON.stringify(res.body)).toContain("cannot be __proto__, constructor or prototype");
    }
    const stored = await call("GET", `/api/comments?room=${room}&cursor=0`);
    expect(stored.body.comments).toEqual([]);
    await expectEveryRouteAnswers(room);
    await expectPrototypeCleanEverywhere(room);
  });

  it("queue filters, claim-next entities and profiles, and scoped token entities: 400 invalid_input", async () => {
    const room = freshRoom("proto");
    for (const entity of KEYS) {
      const pending = await call("GET", `/api/queue/pending?room=${room}&entity=${entity}`, { token: BOT_TOKEN });
      expect(pending.status, `pending entity=${entity}`).toBe(400);
      expect(pending.body.code).toBe("invalid_input");
      const claim = await claimNext(room, "bot-1", { entities: [entity] });
      expect(claim.status, `claim-next entities ${entity}`).toBe(400);
      const profile = await claimNext(room, "bot-1", {
        entities: ["sage"],
        profiles: [{ id: entity, username: "Sage", color: "120200150" }],
      });
      expect(profile.status, `claim-next profile ${entity}`).toBe(400);
      const token = await call("POST", "/api/admin/tokens", {
        body: { name: `proto-${KEYS.indexOf(entity)}`, entities: [entity] },
        token: ADMIN_TOKEN,
      });
      expect(token.status, `token entities ${entity}`).toBe(400);
      expect(token.body.code).toBe("invalid_input");
    }
    const entities = await call("GET", `/api/entities?room=${room}`);
    expect(entities.body.entities).toEqual([]);
    await expectEveryRouteAnswers(room);
    await expectPrototypeCleanEverywhere(room);
  });
});

describe("prototype names as usernames, rooms and user filters are ordinary strings", () => {
  it("a person named __proto__, constructor or prototype is stored, served and filtered by like anyone", async () => {
    const room = freshRoom("proto");
    for (const username of KEYS) await postMessage(room, { id: `by-${username}`, username, color: "010020030" });
    await postMessage(room, { id: "by-alice" });
    const all = await call("GET", `/api/comments?room=${room}&cursor=0`);
    expect(all.body.comments.map((m: Message) => [m.id, m.username])).toEqual([
      ["by-__proto__", "__proto__"],
      ["by-constructor", "constructor"],
      ["by-prototype", "prototype"],
      ["by-alice", "Alice"],
    ]);
    for (const username of KEYS) {
      // `u=` filters in each read form that takes one: after a cursor, the recent window, before.
      for (const form of ["cursor=0", "", `before=${all.body.cursor + 1}`]) {
        const res = await call("GET", `/api/comments?room=${room}&u=${username}:010020030&${form}`);
        expect(res.status, `u=${username} ${form}`).toBe(200);
        expect(res.body.comments.map((m: Message) => m.username)).toEqual([username]);
      }
      // A filter on a name nobody used matches nothing, rather than something every object has.
      const none = await call("GET", `/api/comments?room=${room}&u=${username}:255255255&cursor=0`);
      expect(none.body.comments).toEqual([]);
    }
    await expectEveryRouteAnswers(room);
    await expectPrototypeCleanEverywhere(room);
  });

  it("rooms named __proto__, constructor and prototype are rooms like any other (or refused by the room rule)", async () => {
    for (const room of KEYS) {
      const res = await call("POST", `/api/comments?room=${room}`, {
        body: { id: `in-${room}`, text: `hello ${room}`, username: "Alice", color: "200100050" },
      });
      // The one room rule decides; a name it takes must then work like any room.
      if (!roomSchema.safeParse(room).success) {
        expect(res.status, room).toBe(400);
        expect(res.body.code).toBe("invalid_input");
        continue;
      }
      expect([200, 201], room).toContain(res.status);
      const read = await call("GET", `/api/comments?room=${room}&cursor=0`);
      expect(read.body.comments.map((m: Message) => m.text)).toContain(`hello ${room}`);
      const stats = await call("GET", `/api/stats?room=${room}`);
      expect(stats.status).toBe(200);
      expect(stats.body.room).toBe(room);
      await expectEveryRouteAnswers(room);
      await expectPrototypeCleanEverywhere(room);
    }
    expect(roomSchema.safeParse("constructor").success).toBe(true);
    const constructorRoom = await call("GET", "/api/comments?room=constructor&cursor=0");
    expect(constructorRoom.body.comments[0]).toMatchObject({ id: "in-constructor", text: "hello constructor" });
  });
});
