// Entities as participants across processes (E7 mentions, E8 scenes, E9 context scope): the real
// Worker, real bot processes, and a fake LLM whose replies mention the other entity (model
// `mention:<Name>`), so two entities keep talking until the room's budget stops them.
import { describe, expect, it } from "vitest";
import type { Message } from "../../types/message.ts";
import { startFakeLlm } from "../support/fake-llm.ts";
import { ADMIN_TOKEN } from "../support/worker-process.ts";
import { allMessages, post, startBot, type TestEntity, useBotWorld, waitFor, writeEntities } from "./helpers.ts";

const world = useBotWorld();
let roomCount = 0;
const newRoom = (name: string) => `${name}-${Date.now().toString(36)}-${roomCount++}`;

const sage: TestEntity & { scope: string } = {
  id: "sage",
  username: "Sage",
  color: "120200150",
  model: "mention:Wren",
  scope: "thread",
};
const wren: TestEntity & { scope: string } = {
  id: "wren",
  username: "Wren",
  color: "230160060",
  model: "mention:Sage",
  scope: "thread",
};

const aiReplies = async (room: string) => (await allMessages(world.worker.url, room)).filter((m) => m.replyTo);

async function setScene(room: string, turnBudget: number, hourlyCap = 60) {
  const res = await fetch(`${world.worker.url}/api/admin/scene?room=${room}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ turnBudget, hourlyCap }),
  });
  expect(res.status).toBe(200);
}

/** The chain of replies from a human message: each reply answers the one before it. */
function chainFrom(all: Message[], rootId: string): Message[] {
  const chain: Message[] = [];
  let at = rootId;
  for (;;) {
    const next = all.filter((m) => m.replyTo === at);
    if (next.length === 0) return chain;
    expect(next, `one reply to ${at}`).toHaveLength(1);
    chain.push(next[0]!);
    at = next[0]!.id;
  }
}

/** Each (message, entity) answered at most once. */
function expectOncePerJob(replies: Message[]) {
  const keys = replies.map((m) => `${m.replyTo}→${m.username}`);
  expect(new Set(keys).size, keys.join(", ")).toBe(keys.length);
}

/** Waits until the room knows Sage and Wren by name (the bot's first poll presented them). */
async function entitiesKnown(room: string): Promise<void> {
  await waitFor(
    "entities known",
    async () => {
      const res = await fetch(`${world.worker.url}/api/entities?room=${room}`);
      const body = (await res.json()) as { entities: { id: string; username?: string }[] };
      return ["sage", "wren"].every((id) => body.entities.some((e) => e.id === id && e.username));
    },
    15_000,
  );
}
describe("mentions across processes (E7)", () => {
  it("`@sage @wren hello` posted over the API gets exactly one reply from each entity, both replying to it", async () => {
    world.fake = await startFakeLlm();
    const room = newRoom("both");
    await setScene(room, 0); // scenes off: the replies' echoed mentions address nobody
    startBot({
      api: world.worker.url,
      room,
      workerId: "both-bot",
      llm: world.fake.url,
      concurrency: 2,
      entitiesFile: writeEntities([
        { id: "sage", username: "Sage", color: "120200150" },
        { id: "wren", username: "Wren", color: "230160060" },
      ]),
    });
    // The room knows an entity once a bot presented it: wait for the entity list.
    await waitFor(
      "both entities known",
      async () => {
        const res = await fetch(`${world.worker.url}/api/entities?room=${room}`);
        const body = (await res.json()) as { entities: { id: string; username?: string }[] };
        return ["sage", "wren"].every((id) => body.entities.some((e) => e.id === id && e.username));
      },
      15_000,
    );
    const asked = await post(world.worker.url, room, { id: "hello", text: "@sage @wren hello" });
    expect(asked.jobs?.map((j) => j.entity)).toEqual(["sage", "wren"]);
    const replies = await waitFor(
      "a reply from each",
      async () => {
        const r = await aiReplies(room);
        return r.length >= 2 ? r : undefined;
      },
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const settled = await aiReplies(room);
    expect(settled).toHaveLength(2);
    expect(replies.map((m) => [m.replyTo, m.username]).sort()).toEqual([
      ["hello", "Sage"],
      ["hello", "Wren"],
    ]);
    const question = (await allMessages(world.worker.url, room)).find((m) => m.id === "hello");
    expect(question?.botParams?.processed).toBe(true);
  });
});

describe("scenes across processes (E8, E9)", () => {
  it("with budget 4, exactly 4 AI turns follow a human message, the last shows paused turn_budget; a new human message resumes; each prompt carries its thread", async () => {
    world.fake = await startFakeLlm();
    const room = newRoom("scene");
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "scene-bot",
      llm: world.fake.url,
      concurrency: 2,
      entitiesFile: writeEntities([sage, wren] as TestEntity[]),
    });
    await entitiesKnown(room);
    await post(world.worker.url, room, { id: "h1", text: "@sage what do birds dream of?" });
    const scene = await waitFor(
      "the scene to pause",
      async () => {
        const chain = chainFrom(await allMessages(world.worker.url, room), "h1");
        return chain.at(-1)?.scene?.paused ? chain : undefined;
      },
      40_000,
    );
    // Nothing more comes: the budget stopped it.
    await new Promise((r) => setTimeout(r, 2_000));
    const settled = chainFrom(await allMessages(world.worker.url, room), "h1");
    expect(settled.map((m) => m.username)).toEqual(["Sage", "Wren", "Sage", "Wren"]);
    expect(settled.map((m) => m.scene)).toEqual([
      { depth: 0 },
      { depth: 1 },
      { depth: 2 },
      { depth: 3, paused: "turn_budget" },
    ]);
    expect(scene.at(-1)?.mentions?.[0]).toMatchObject({ entity: "sage", addressed: false });
    // What each entity read is on its reply: the thread up to the human message.
    const h1 = (await allMessages(world.worker.url, room)).find((m) => m.id === "h1")!;
    expect(settled[1]?.read).toEqual({ scope: "thread", count: 2, seqs: [h1.seq, settled[0]!.seq] });

    // Must-show 4: the prompt of an AI-triggered turn (Wren answering Sage) carries the thread.
    const wrenTurn = world.fake.requests.find((r) => r.body.model === "mention:Sage")!.body.messages as {
      role: string;
      content: string;
    }[];
    console.log("prompt of the AI-triggered turn:", JSON.stringify(wrenTurn));
    expect(wrenTurn[0]).toEqual({ role: "system", content: "You are Wren." });
    expect(wrenTurn.slice(1)).toEqual([
      { role: "user", content: `alice: @sage what do birds dream of?\nSage: ${settled[0]!.text}` },
    ]);

    // A new human message resumes the scene with a fresh budget.
    await post(world.worker.url, room, { id: "h2", text: "@wren and what of bees?" });
    const resumed = await waitFor(
      "the second scene to pause",
      async () => {
        const chain = chainFrom(await allMessages(world.worker.url, room), "h2");
        return chain.at(-1)?.scene?.paused ? chain : undefined;
      },
      40_000,
    );
    expect(resumed.map((m) => m.username)).toEqual(["Wren", "Sage", "Wren", "Sage"]);
    expectOncePerJob(await aiReplies(room));
    await bot.stop();
  });

  it("a bot SIGKILLed mid-scene: leases expire, a restarted bot carries on, exactly once per (message, entity) and within budget", async () => {
    world.fake = await startFakeLlm({ latencyMs: 1_500 });
    const room = newRoom("crash");
    const file = writeEntities([sage, wren] as TestEntity[]);
    const common = { api: world.worker.url, room, llm: world.fake.url, leaseSeconds: 5, entitiesFile: file };
    const victim = startBot({ ...common, workerId: "victim" });
    await entitiesKnown(room);
    await post(world.worker.url, room, { id: "k1", text: "@sage tell a story" });
    // Kill it while it works on the second turn (its lease is held, its LLM call in flight).
    await waitFor("the first turn", async () => (await aiReplies(room)).length >= 1, 20_000);
    await waitFor("the second turn to be leased", () => world.fake!.requests.length >= 2, 20_000, 50);
    victim.child.kill("SIGKILL");
    await victim.exited;
    const survivor = startBot({ ...common, workerId: "survivor" });
    const chain = await waitFor(
      "the scene to end",
      async () => {
        const c = chainFrom(await allMessages(world.worker.url, room), "k1");
        return c.at(-1)?.scene?.paused ? c : undefined;
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const replies = await aiReplies(room);
    expectOncePerJob(replies);
    expect(chain).toHaveLength(4);
    expect(replies).toHaveLength(4);
    expect(chain.at(-1)?.scene).toEqual({ depth: 3, paused: "turn_budget" });
    await survivor.stop();
  });
});
