// One fuzz suite: seeds its own room, then runs generated and mutated requests against each
// of the routes it is given (workers/test/fuzz-*.test.ts pick them by group).
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { apiErrorSchema, ERROR_STATUS } from "../../../types";
import { ADMIN_TOKEN, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "../client";
import {
  fromZod,
  type Hints,
  jsonSchemaOf,
  mutatedObject,
  nasty,
  noTimers,
  PROTOTYPE_KEYS,
  queryString,
  type RawBody,
  stringPaths,
  validColor,
  wireBody,
  withValueAt,
} from "./arbitrary";
import type { Route } from "./routes";

/**
 * Bad input, everywhere: every route gets generated and mutated requests. Whatever
 * arrives, the Worker answers below 500, every rejection is `{error, code}` with the code's
 * status (checked by `call()`), and a rejected request leaves the room's stored messages as they
 * were. FUZZ_RUNS (a binding, see vitest.workers.config.ts) sets the runs per route.
 */
export function fuzzRoutes(title: string, routes: readonly Route[]): void {
  const RUNS = Number((env as unknown as { FUZZ_RUNS?: string }).FUZZ_RUNS) || 25;
  const room = freshRoom("fuzz");
  const seeded = { human: "h1", pending: "p-sage", held: "held", done: "done", failed: "failed" };
  let heldLease = "";
  let sageToken = "";

  function hints(): Hints {
    const ids = fc.constantFrom(...Object.values(seeded));
    return {
      messageId: ids,
      replyTo: ids,
      id: ids,
      leaseToken: fc.constant(heldLease),
      entity: fc.constantFrom("sage", "wren"),
      workerId: fc.constant("fuzz-bot"),
      color: validColor,
    };
  }

  interface Generated {
    token: string | undefined;
    id: string;
    query: string;
    body: RawBody | undefined;
  }

  function requests(route: Route): fc.Arbitrary<Generated> {
    const h = hints();
    const keys = (s: z.ZodType | undefined) =>
      s && "shape" in s ? Object.keys((s as unknown as { shape: object }).shape) : [];
    const queryValue = route.query
      ? mutatedObject(fromZod(route.query, h), keys(route.query))
      : mutatedObject(fc.constant({}), []);
    const roomParam = fc.oneof(
      { arbitrary: fc.constant(room), weight: 9 },
      { arbitrary: nasty.map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""))), weight: 1 },
    );
    const query = fc
      .tuple(queryValue, roomParam)
      .map(([q, r]) => [queryString(noTimers(q)), `room=${encodeURIComponent(r)}`].filter(Boolean).join("&"));
    const body = route.body
      ? wireBody(mutatedObject(fromZod(route.body, h), keys(route.body)).map(noTimers))
      : fc.constant(undefined);
    const token = fc.oneof(
      { arbitrary: fc.constant(route.token), weight: 6 },
      fc.constantFrom(undefined, "wrong-token", "A".repeat(43)),
      fc.constant(sageToken),
    );
    const id = fc.oneof(h.messageId as fc.Arbitrary<string>, fc.string({ unit: "grapheme", maxLength: 80 }));
    return fc.record({ token, id, query, body });
  }

  /** The room's stored messages, every column, in seq order. */
  async function storedMessages(): Promise<string> {
    const stub = env.ROOM.get(env.ROOM.idFromName(room));
    return runInDurableObject(stub, (_object, state) =>
      JSON.stringify(state.storage.sql.exec("SELECT * FROM messages ORDER BY seq").toArray()),
    );
  }

  /** A live upgrade answers 101 with a socket, which `call()` cannot read: checked here the same way. */
  async function upgrade(path: string): Promise<number> {
    const res = await exports.default.fetch(
      new Request(`https://sww.test${path}`, { headers: { upgrade: "websocket" } }),
    );
    if (res.webSocket) {
      res.webSocket.accept();
      res.webSocket.close(1000, "fuzz done");
    }
    if (res.status >= 400) {
      const body = apiErrorSchema.parse(await res.json());
      expect(ERROR_STATUS[body.code]).toBe(res.status);
    }
    return res.status;
  }

  interface Tally {
    requests: number;
    accepted: number;
    rejected: number;
    serverErrors: number;
    changedOnReject: number;
  }
  const tally = new Map<string, Tally>();

  beforeAll(async () => {
    await postMessage(room, { id: seeded.human });
    await postMessage(room, { id: seeded.pending, botParams: { entity: "sage" } });
    await postMessage(room, { id: seeded.held, botParams: { entity: "sage", priority: 0 } });
    await postMessage(room, { id: seeded.done, botParams: { entity: "wren", priority: 0 } });
    await postMessage(room, { id: seeded.failed, botParams: { entity: "wren", priority: 1 } });
    const held = await claimNext(room, "fuzz-bot", { entities: ["sage"], leaseSeconds: 600 });
    heldLease = held.body.lease.token;
    const done = await claimNext(room, "fuzz-bot", { entities: ["wren"] });
    await call("POST", `/api/queue/complete?room=${room}`, {
      body: { messageId: seeded.done, leaseToken: done.body.lease.token, reply: { text: "done" } },
      token: BOT_TOKEN,
    });
    const failed = await claimNext(room, "fuzz-bot", { entities: ["wren"] });
    await call("POST", `/api/queue/fail?room=${room}`, {
      body: { messageId: seeded.failed, leaseToken: failed.body.lease.token, error: "seeded failure" },
      token: BOT_TOKEN,
    });
    const created = await call("POST", "/api/admin/tokens", {
      body: { name: `fuzz-sage-${Date.now().toString(36)}`, entities: ["sage"] },
      token: ADMIN_TOKEN,
    });
    sageToken = created.body.token;
  });

  afterAll(() => {
    const rows = [...tally].map(([route, t]) => ({ route, ...t }));
    const total = rows.reduce((n, r) => n + r.requests, 0);
    const errors = rows.reduce((n, r) => n + r.serverErrors, 0);
    const changed = rows.reduce((n, r) => n + r.changedOnReject, 0);
    console.log(
      [
        `fuzz: ${RUNS} runs per route, ${total} requests over ${rows.length} routes, ${errors} server errors, ${changed} changes to stored messages by rejected requests`,
        ...rows.map(
          (r) =>
            `  ${r.route.padEnd(30)} ${String(r.requests).padStart(5)} requests  ${String(r.accepted).padStart(4)} accepted  ${String(r.rejected).padStart(4)} rejected  ${r.serverErrors} 5xx  ${r.changedOnReject} changed`,
        ),
      ].join("\n"),
    );
  });

  /** One request as the fuzz runs send it: the route's token, its own room, and `id` for `:id`. */
  async function send(route: Route, id: string, query: unknown, body: unknown, inRoom = room): Promise<number> {
    const path = `${route.path.replace(":id", encodeURIComponent(id))}?${[
      queryString(noTimers(query)),
      `room=${inRoom}`,
    ]
      .filter(Boolean)
      .join("&")}`;
    if (route.upgrade) return upgrade(path);
    const sent = route.method !== "GET" && body !== undefined ? { body: noTimers(body) } : {};
    return (await call(route.method, path, { token: route.token, ...sent })).status;
  }

  /**
   * A valid value of the schema (the same one on every run), so a request that differs from it in
   * one field reaches the Room and is stored when the Worker takes that field.
   */
  function sampleOf(schema: z.ZodType | undefined): unknown {
    if (!schema) return undefined;
    const samples = fc.sample(fromZod(schema, hints()), { numRuns: 200, seed: 1 });
    const valid = samples.find((v) => schema.safeParse(v).success);
    if (valid === undefined) throw new Error("the schema's generator made no valid value in 200 tries");
    return valid;
  }

  let sweeps = 0;
  const hasId = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && "id" in v;

  describe(title, () => {
    for (const route of routes) {
      it(`${route.name}: __proto__, constructor and prototype in every string field are answered below 500`, async () => {
        const base = { query: sampleOf(route.query) ?? {}, body: sampleOf(route.body) };
        const fields = [
          ...(route.query
            ? stringPaths(jsonSchemaOf(route.query)).map((p) => ({ in: "query" as const, path: p }))
            : []),
          ...(route.body ? stringPaths(jsonSchemaOf(route.body)).map((p) => ({ in: "body" as const, path: p })) : []),
          ...(route.path.includes(":id") ? [{ in: "id" as const, path: [] }] : []),
        ];
        for (const field of fields) {
          for (const key of PROTOTYPE_KEYS) {
            const query = field.in === "query" ? withValueAt(base.query, field.path, key) : base.query;
            const one = field.in === "body" ? withValueAt(base.body, field.path, key) : base.body;
            // A post under an id already stored is a replay that stores nothing: each try gets its own.
            const body = hasId(one) && field.path[0] !== "id" ? { ...one, id: `proto-${++sweeps}` } : one;
            const status = await send(route, field.in === "id" ? key : seeded.human, query, body);
            expect(status, `${route.name} with ${field.in} ${field.path.join(".") || ":id"} = ${key}`).toBeLessThan(
              500,
            );
          }
        }
        // The room every route takes, named like a prototype property too.
        for (const key of PROTOTYPE_KEYS) {
          const status = await send(route, seeded.human, base.query, base.body, key);
          expect(status, `${route.name} in room ${key}`).toBeLessThan(500);
        }
      });

      it(`${route.name}: no 5xx, coded rejections, nothing stored changes on a rejection`, async () => {
        const t: Tally = { requests: 0, accepted: 0, rejected: 0, serverErrors: 0, changedOnReject: 0 };
        tally.set(route.name, t);
        await fc.assert(
          fc.asyncProperty(requests(route), async (req) => {
            const before = await storedMessages();
            const path = `${route.path.replace(":id", encodeURIComponent(req.id))}?${req.query}`;
            t.requests++;
            const status = route.upgrade
              ? await upgrade(path)
              : (
                  await call(route.method, path, {
                    token: req.token,
                    ...(route.method !== "GET" && req.body
                      ? { rawBody: req.body.text, headers: { "content-type": req.body.contentType } }
                      : {}),
                  })
                ).status;
            if (status >= 500) t.serverErrors++;
            expect(status, `${route.method} ${path}`).toBeLessThan(500);
            if (status >= 400) {
              t.rejected++;
              const after = await storedMessages();
              if (after !== before) t.changedOnReject++;
              expect(after, `a rejected ${route.method} ${path} changed stored messages`).toBe(before);
            } else {
              t.accepted++;
            }
          }),
          { numRuns: RUNS },
        );
      });
    }

    it("after the runs every route still answers below 500, /api/health is 200 and Object.prototype is clean", async () => {
      for (const route of routes) {
        const status = await send(route, seeded.human, sampleOf(route.query) ?? {}, sampleOf(route.body));
        expect(status, `${route.name} after the fuzz runs`).toBeLessThan(500);
      }
      expect((await call("GET", "/api/health")).status).toBe(200);
      expect((await call("GET", `/api/stats?room=${room}`)).status).toBe(200);
      const probe = (): unknown[] => {
        const plain: Record<string, unknown> = {};
        return [
          plain.pending,
          plain.sage,
          Object.keys(Object.prototype).length,
          Object.getPrototypeOf(plain) === Object.prototype,
        ];
      };
      expect(probe()).toEqual([undefined, undefined, 0, true]);
      const stub = env.ROOM.get(env.ROOM.idFromName(room));
      expect(await runInDurableObject(stub, () => probe())).toEqual([undefined, undefined, 0, true]);
    });
  });
}
