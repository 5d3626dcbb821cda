import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { INITIAL_WINDOW_ELEMENT_ID, initialWindowSchema, type Message, PUBLIC_FAILURE_REASONS } from "../../types";
import { snapshotKey, snapshotSchema } from "../snapshot";
import { ADMIN_TOKEN, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";
import { LiveClient } from "./live-client";
import { flushSnapshot } from "./room-time";

// A bot's lease names its host and process (`claimedBy`), and a raw failure can carry internal
// addresses: only admin and bot callers read them. Everyone else gets `claimedBy: null` and a
// safe reason from a fixed list, on every read form, the page's first paint and the socket.

const WORKER = "gpu-box-7.internal:4242";
const RAW_ERROR = "LLM server answered 503: upstream 10.0.0.7:1234 refused";
const SECRETS = [/gpu-box-7/, /10\.0\.0\.7/];

/** A room with `held` claimed by WORKER and `broken` failed for good with RAW_ERROR. */
async function busyRoom(): Promise<string> {
  const room = freshRoom("public");
  await postMessage(room, { id: "held", botParams: { entity: "sage" } });
  await postMessage(room, { id: "broken", botParams: { entity: "wren" } });
  const broken = await claimNext(room, WORKER, { entities: ["wren"] });
  const failed = await call("POST", `/api/queue/fail?room=${room}`, {
    body: { messageId: "broken", leaseToken: broken.body.lease.token, error: RAW_ERROR, retryable: false },
    token: BOT_TOKEN,
  });
  expect(failed.status).toBe(200);
  expect((await claimNext(room, WORKER, { entities: ["sage"] })).status).toBe(200);
  return room;
}

function expectPublic(messages: Message[], where: string): void {
  const held = messages.find((m) => m.id === "held");
  const broken = messages.find((m) => m.id === "broken");
  expect(held?.botParams, where).toMatchObject({ status: "processing", claimedBy: null });
  expect(broken?.botParams, where).toMatchObject({
    status: "failed",
    claimedBy: null,
    error: PUBLIC_FAILURE_REASONS.modelDown,
  });
  for (const secret of SECRETS) expect(JSON.stringify(messages), where).not.toMatch(secret);
}

function expectWhole(messages: Message[], where: string): void {
  expect(messages.find((m) => m.id === "held")?.botParams, where).toMatchObject({ claimedBy: WORKER });
  expect(messages.find((m) => m.id === "broken")?.botParams, where).toMatchObject({ error: RAW_ERROR });
}

/** Every HTTP read that returns these messages, as `token` (none: the public) reads it. */
async function everyRead(room: string, token?: string): Promise<[string, Message[]][]> {
  const get = async (query: string) => (await call("GET", `/api/comments?room=${room}&${query}`, { token })).body;
  return [
    ["cursor", (await get("cursor=0")).comments],
    ["recent window", (await get("limit=50")).comments],
    ["recent window from KV alone", (await get("cached=1")).comments],
    ["recent window, filtered", (await get("type=human")).comments],
    ["before", (await get("before=100")).comments],
    ["after=MS (legacy)", await get("after=0")],
    ["status", (await call("GET", `/api/comments/status?room=${room}&ids=held,broken`, { token })).body.comments],
  ];
}

async function writeSnapshot(room: string): Promise<void> {
  await flushSnapshot(room);
  const stored = snapshotSchema.parse(JSON.parse((await env.SNAPSHOTS.get(snapshotKey(room))) ?? "null"));
  // The snapshot is stored whole (admins and bots read the recent window from it too).
  expectWhole(stored.comments, "the KV snapshot as stored");
}

describe("public reads show public data only", () => {
  it("anonymous HTTP reads, every form, KV snapshot included: claimedBy null and a safe failure reason", async () => {
    const room = await busyRoom();
    for (const [form, messages] of await everyRead(room)) {
      // KV alone may still hold the window as it stood at the first post: nothing to hide yet.
      if (form === "recent window from KV alone") {
        for (const secret of SECRETS) expect(JSON.stringify(messages)).not.toMatch(secret);
        continue;
      }
      expectPublic(messages, `before the snapshot: ${form}`);
    }
    await writeSnapshot(room);
    for (const [form, messages] of await everyRead(room)) expectPublic(messages, `from the snapshot: ${form}`);
    // A wrong token is nobody.
    for (const [form, messages] of await everyRead(room, "not-a-token")) expectPublic(messages, `wrong token: ${form}`);
  });

  it("an idempotent replay of a claimed message answers its public view to an anonymous poster", async () => {
    const room = await busyRoom();
    const replay = await call("POST", `/api/comments?room=${room}`, {
      body: { id: "held", text: "hello there", username: "Alice", color: "200100050", botParams: { entity: "sage" } },
    });
    expect(replay.status).toBe(200);
    expect(replay.body.botParams).toMatchObject({ status: "processing", claimedBy: null });
  });

  it("admin and bot callers read lease holders and raw errors on every form", async () => {
    const room = await busyRoom();
    await writeSnapshot(room);
    for (const token of [ADMIN_TOKEN, BOT_TOKEN]) {
      for (const [form, messages] of await everyRead(room, token)) expectWhole(messages, `${form} with a token`);
    }
    // The monitor's sources keep the detail: admin stats and the admin queue list.
    const stats = await call("GET", `/api/stats?room=${room}`, { token: ADMIN_TOKEN });
    expect(stats.body.leases).toEqual([expect.objectContaining({ messageId: "held", claimedBy: WORKER })]);
    expect(stats.body.recentFailures).toEqual([expect.objectContaining({ messageId: "broken", error: RAW_ERROR })]);
    const pending = await call("GET", `/api/queue/pending?room=${room}&entity=sage`, { token: ADMIN_TOKEN });
    expect(pending.status).toBe(200);
  });

  it("the chat page's first paint carries the public view", async () => {
    const room = await busyRoom();
    await writeSnapshot(room);
    const html = (await call("GET", `/?room=${room}`)).body as string;
    const island = new RegExp(
      `<script id="${INITIAL_WINDOW_ELEMENT_ID}" type="application/json"[^>]*>(.*?)</script>`,
      "s",
    ).exec(html);
    const initial = initialWindowSchema.parse(JSON.parse(island?.[1] ?? "null"));
    expectPublic(initial.page.comments, "first paint");
    for (const secret of SECRETS) expect(html).not.toMatch(secret);
  });

  it("live frames (catch-up messages, queue changes, new messages) carry the public view", async () => {
    const room = freshRoom("public-live");
    const client = await LiveClient.open(room);
    await postMessage(room, { id: "held", botParams: { entity: "sage" } });
    await postMessage(room, { id: "broken", botParams: { entity: "wren" } });
    const broken = await claimNext(room, WORKER, { entities: ["wren"] });
    await call("POST", `/api/queue/fail?room=${room}`, {
      body: { messageId: "broken", leaseToken: broken.body.lease.token, error: RAW_ERROR, retryable: false },
      token: BOT_TOKEN,
    });
    await claimNext(room, WORKER, { entities: ["sage"] });
    await client.until(
      () => client.of("queue").some((e) => e.changes.some((ch) => ch.id === "held" && ch.status === "processing")),
      "the held message's queue change",
    );
    const changes = client.of("queue").flatMap((e) => e.changes);
    expect(changes.find((ch) => ch.id === "broken" && ch.status === "failed")?.error).toBe(
      PUBLIC_FAILURE_REASONS.modelDown,
    );
    // A socket that resumes from the start gets the messages as they now stand: public again.
    const late = await LiveClient.open(room, "cursor=0");
    await late.until(() => late.messages.length >= 2, "the catch-up");
    expectPublic(late.messages, "catch-up over the socket");
    for (const socket of [client, late]) {
      for (const secret of SECRETS) expect(JSON.stringify(socket.events)).not.toMatch(secret);
      socket.close();
    }
  });
});
