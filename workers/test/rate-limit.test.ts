import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, allMessages, BOT_TOKEN, type CallResult, call, freshRoom, human } from "./client";

/**
 * The Worker-level flood guard (workers/flood-guard.ts): the POST_FLOOD rate-limit binding, here
 * swapped for POST_FLOOD_TEST (limit 3 per 60 s, vitest.workers.config.ts) so a test can reach it.
 */
const LIMIT = 3;
const PERIOD_S = 60;
const small = { POST_FLOOD: (env as unknown as Record<string, unknown>).POST_FLOOD_TEST };

let clients = 0;
const freshClient = () => `203.0.113.${100 + ++clients}`;

const post = (
  room: string,
  client: string,
  over: Record<string, unknown> = {},
  opts: { token?: string; env?: Record<string, unknown>; headers?: Record<string, string> } = {},
) =>
  call("POST", `/api/comments?room=${room}`, {
    body: human(over),
    token: opts.token,
    env: opts.env ?? small,
    headers: { "cf-connecting-ip": client, ...opts.headers },
  });

/**
 * The binding counts in fixed windows on the wall clock: a run that straddles a window's end
 * meets a fresh count. Such a run (and only such a run) starts over once, with a fresh client.
 */
async function inOneWindow(run: (client: string) => Promise<void>): Promise<void> {
  const window = () => Math.floor(Date.now() / (PERIOD_S * 1000));
  const first = window();
  try {
    await run(freshClient());
  } catch (error) {
    if (window() === first) throw error;
    await run(freshClient());
  }
}

function expectGuarded(res: CallResult<{ code?: string; error?: string }>): void {
  expect([res.status, res.body.code]).toEqual([429, "rate_limited"]);
  expect(res.headers.get("retry-after")).toBe(String(PERIOD_S));
  expect(res.body.error).toContain("across all rooms");
  // Answered in the Worker: no room call, no storage work.
  expect(res.timing).toMatchObject({ room_calls: 0, rows_read: 0, rows_written: 0, kv_read: 0, kv_write: 0 });
}

describe("the flood guard (POST_FLOOD binding)", () => {
  it("past its limit answers 429 rate_limited with Retry-After of its period, and never reaches the Room", async () => {
    await inOneWindow(async (client) => {
      const room = freshRoom("flood");
      for (let i = 0; i < LIMIT; i++) {
        const ok = await post(room, client, { id: `ok${i}`, text: `ok ${i}` });
        expect(ok.status).toBe(201);
        expect(ok.timing.room_calls).toBe(1);
      }
      for (let i = 0; i < 3; i++) expectGuarded(await post(room, client, { id: `over${i}`, text: `over ${i}` }));
      // The room stored the accepted posts and nothing of the rejected ones.
      expect((await allMessages(room)).map((m) => m.id).sort()).toEqual(["ok0", "ok1", "ok2"]);
    });
  });

  it("counts per client IP across all rooms; another client is not affected", async () => {
    await inOneWindow(async (client) => {
      const [a, b] = [freshRoom("flood-a"), freshRoom("flood-b")];
      for (let i = 0; i < LIMIT; i++) expect((await post(i % 2 ? a : b, client)).status).toBe(201);
      expectGuarded(await post(b, client));
      expectGuarded(await post(freshRoom("flood-c"), client));
      expect((await post(b, freshClient())).status).toBe(201);
    });
  });

  it("does not limit the bot or admin token", async () => {
    await inOneWindow(async (client) => {
      const room = freshRoom("flood-bot");
      for (let i = 0; i < 2 * LIMIT; i++) {
        expect((await post(room, client, {}, { token: BOT_TOKEN })).status).toBe(201);
        expect((await post(room, client, {}, { token: ADMIN_TOKEN })).status).toBe(201);
      }
      expect((await allMessages(room)).length).toBe(4 * LIMIT);
    });
  });

  it("below its limit changes nothing: the in-room bucket still meets a person first, with its own Retry-After", async () => {
    await inOneWindow(async (client) => {
      const room = freshRoom("flood-below");
      const roomLimited = { ...small, RATE_LIMIT_PER_MINUTE: String(LIMIT - 1) };
      for (let i = 0; i < LIMIT - 1; i++) expect((await post(room, client, {}, { env: roomLimited })).status).toBe(201);
      const bucket = await post(room, client, {}, { env: roomLimited });
      expect([bucket.status, bucket.body.code]).toEqual([429, "rate_limited"]);
      expect(bucket.timing.room_calls).toBe(1); // the Room's answer, not the guard's
      expect(bucket.body.error).toContain(`${LIMIT - 1} a minute`);
      const retryAfter = Number(bucket.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60 / (LIMIT - 1));
    });
  });

  it("without the binding there is no Worker-level guard", async () => {
    const room = freshRoom("flood-none");
    const client = freshClient();
    for (let i = 0; i < 2 * LIMIT; i++) {
      expect((await post(room, client, {}, { env: { POST_FLOOD: undefined } })).status).toBe(201);
    }
  });

  it("POST_FLOOD_GUARD=0 turns it off although the binding exists", async () => {
    await inOneWindow(async (client) => {
      const room = freshRoom("flood-off");
      for (let i = 0; i < 2 * LIMIT; i++) {
        expect((await post(room, client, {}, { env: { ...small, POST_FLOOD_GUARD: "0" } })).status).toBe(201);
      }
    });
  });

  it("x-bench-flood-guard: off does nothing in the production Worker, whatever its vars", async () => {
    // Only the bench build (workers/bench/index.ts, never deployed) honours the header.
    await inOneWindow(async (client) => {
      const room = freshRoom("flood-bench");
      for (let i = 0; i < LIMIT; i++) expect((await post(room, client)).status).toBe(201);
      expectGuarded(await post(room, client, {}, { headers: { "x-bench-flood-guard": "off" } }));
      // The var that once enabled bench behaviour is gone: setting it changes nothing.
      expectGuarded(
        await post(
          room,
          client,
          {},
          { env: { ...small, BENCH_ROUTES: "1" }, headers: { "x-bench-flood-guard": "off" } },
        ),
      );
    });
  });
});
