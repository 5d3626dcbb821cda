// Many bots, one queue: every addressed message gets exactly one reply, whoever crashes or freezes.
// Real Worker (wrangler dev), real bot processes, a fake OpenAI-compatible LLM.
import { describe, expect, it } from "vitest";
import type { Message } from "../../types/message.ts";
import { startFakeLlm } from "../support/fake-llm.ts";
import {
  allMessages,
  type BotProcess,
  jobEvents,
  post,
  startBot,
  stats,
  statusOf,
  type TestEntity,
  useBotWorld,
  waitFor,
  writeEntities,
} from "./helpers.ts";

const entities: TestEntity[] = [
  { id: "sage", username: "Sage", color: "120200150" },
  { id: "wren", username: "Wren", color: "230160060" },
  { id: "quill", username: "Quill", color: "170130230" },
];
const byId = new Map(entities.map((e) => [e.id, e]));

const world = useBotWorld();

/** Posts `count` addressed messages, `parallel` at a time, spread over the entities and 20 people. */
async function postMany(room: string, count: number, prefix: string, parallel = 20): Promise<Message[]> {
  const posted: Message[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, k) => start + k);
    posted.push(
      ...(await Promise.all(
        batch.map((i) =>
          post(world.worker.url, room, {
            id: `${prefix}${i}`,
            text: `question ${i}`,
            username: `person${i % 20}`,
            color: `${String(100 + (i % 20)).padStart(3, "0")}100100`,
            entity: entities[i % entities.length]!.id,
          }),
        ),
      )),
    );
  }
  return posted;
}

/** Asserts every posted message has exactly one reply, from its entity, and returns the replies by id. */
function expectExactlyOneReplyEach(posted: Message[], all: Message[]): Map<string, Message> {
  const replies = all.filter((m) => m["message-type"] === "AI");
  const byParent = new Map<string, Message[]>();
  for (const reply of replies) byParent.set(reply.replyTo ?? "", [...(byParent.get(reply.replyTo ?? "") ?? []), reply]);
  const twice = [...byParent.entries()].filter(([, list]) => list.length > 1).map(([id]) => id);
  const missing = posted.filter((m) => !byParent.has(m.id)).map((m) => m.id);
  expect({ twice, missing }).toEqual({ twice: [], missing: [] });
  expect(replies).toHaveLength(posted.length);
  const only = new Map<string, Message>();
  for (const message of posted) {
    const [reply] = byParent.get(message.id)!;
    const entity = byId.get(message.botParams!.entity)!;
    expect({ id: message.id, username: reply!.username, color: reply!.color }).toEqual({
      id: message.id,
      username: entity.username,
      color: entity.color,
    });
    expect(reply!.text.endsWith(message.text)).toBe(true);
    only.set(message.id, reply!);
  }
  return only;
}

function repliedBy(bots: BotProcess[]): Record<string, number> {
  return Object.fromEntries(bots.map((b) => [b.workerId, jobEvents(b).filter((e) => e.outcome === "replied").length]));
}

describe("many bots", () => {
  it("answers 200 messages to 3 entities with 4 bots × concurrency 2: right identity and replyTo, none twice (must-show 1)", async () => {
    world.fake = await startFakeLlm({ latencyMs: [200, 1_000] });
    const room = `scale-${Date.now().toString(36)}`;
    const file = writeEntities(entities);
    const bots = [1, 2, 3, 4].map((n) =>
      startBot({
        api: world.worker.url,
        room,
        workerId: `scale-bot-${n}`,
        llm: world.fake!.url,
        concurrency: 2,
        entitiesFile: file,
      }),
    );
    await Promise.all(bots.map((b) => b.waitForEvent("start", (e) => e.event === "start", 15_000)));
    const started = Date.now();
    const posted = await postMany(room, 200, "q");

    await waitFor(
      "200 replies",
      async () => (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI").length >= 200,
      150_000,
      1_000,
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    expectExactlyOneReplyEach(posted, await allMessages(world.worker.url, room));
    const states = await statusOf(
      world.worker.url,
      room,
      posted.map((m) => m.id),
    );
    expect(states.every((m) => m.botParams?.status === "complete")).toBe(true);
    const perBot = repliedBy(bots);
    console.log(
      `200 replies in ${seconds} s; replies per bot: ${JSON.stringify(perBot)}; LLM requests: ${world.fake.requests.length}`,
    );
    expect(Object.values(perBot).reduce((a, b) => a + b, 0)).toBe(200);
    expect(Object.values(perBot).every((n) => n > 0)).toBe(true);
    expect(world.fake.requests).toHaveLength(200);
  });
});

describe("a bot that dies or freezes mid-job", () => {
  it("kill -9 in the middle of 20 jobs: the others answer all 20 exactly once after the lease expires (must-show 2)", async () => {
    world.fake = await startFakeLlm({ latencyMs: 5_000 });
    const room = `kill-${Date.now().toString(36)}`;
    const file = writeEntities(entities);
    const common = { api: world.worker.url, room, llm: world.fake.url, leaseSeconds: 5, entitiesFile: file };
    const victim = startBot({ ...common, workerId: "victim", concurrency: 4 });
    await victim.waitForEvent("start", (e) => e.event === "start", 15_000);
    const posted = await postMany(room, 20, "k");

    // The victim holds leases and its requests are inside the (slow) LLM when it is killed.
    const held = await waitFor(
      "the victim to hold 4 leases",
      async () => {
        const leases = (await stats(world.worker.url, room)).leases.filter((l) => l.claimedBy === "victim");
        return leases.length === 4 ? leases.map((l) => l.messageId) : undefined;
      },
      15_000,
      100,
    );
    await waitFor("the victim's 4 requests to reach the LLM", () => world.fake!.requests.length >= 4, 10_000, 50);
    const survivors = [1, 2].map((n) => startBot({ ...common, workerId: `survivor-${n}`, concurrency: 4 }));
    await new Promise((r) => setTimeout(r, 1_000));
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect(await victim.exited).toBeNull();

    await waitFor(
      "20 replies",
      async () => (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI").length >= 20,
      120_000,
      500,
    );
    // Wait past the LLM time of the victim's requests, so any late work would have had its chance.
    await new Promise((r) => setTimeout(r, 2_000));
    const replies = expectExactlyOneReplyEach(posted, await allMessages(world.worker.url, room));
    const states = new Map(
      (
        await statusOf(
          world.worker.url,
          room,
          posted.map((m) => m.id),
        )
      ).map((m) => [m.id, m.botParams!]),
    );
    for (const id of held) {
      // Answered by a survivor, once the killed bot's 5 s lease had expired (one attempt counted).
      expect(states.get(id)).toMatchObject({ status: "complete", attempts: 1 });
      expect(replies.get(id)!.timestamp).toBeGreaterThanOrEqual(killedAt + 3_000);
    }
    expect(jobEvents(victim).filter((e) => e.outcome === "replied")).toEqual([]);
    console.log(
      `victim held ${held.join(", ")} when killed; replies per survivor: ${JSON.stringify(repliedBy(survivors))}`,
    );
    expect(Object.values(repliedBy(survivors)).reduce((a, b) => a + b, 0)).toBe(20);
  });

  it("a frozen bot that wakes after its lease expired has its late reply discarded", async () => {
    world.fake = await startFakeLlm({ latencyMs: 2_000 });
    const room = `zombie-${Date.now().toString(36)}`;
    const file = writeEntities(entities);
    const common = { api: world.worker.url, room, llm: world.fake.url, leaseSeconds: 5, entitiesFile: file };
    const zombie = startBot({ ...common, workerId: "zombie", concurrency: 2 });
    await zombie.waitForEvent("start", (e) => e.event === "start", 15_000);
    const posted = await postMany(room, 2, "z");
    await waitFor("the zombie's requests to reach the LLM", () => world.fake!.requests.length >= 2, 10_000, 50);

    zombie.child.kill("SIGSTOP");
    const rescuer = startBot({ ...common, workerId: "rescuer", concurrency: 2 });
    await waitFor(
      "the rescuer's 2 replies",
      async () => (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI").length >= 2,
      30_000,
      250,
    );
    zombie.child.kill("SIGCONT");
    const lost = await waitFor(
      "the zombie to notice",
      () => {
        const ended = jobEvents(zombie).filter((e) => e.outcome === "lost");
        return ended.length === 2 ? ended : undefined;
      },
      15_000,
    );

    console.log("the woken bot said:", lost.map((e) => e.reason).join(" | "));
    expectExactlyOneReplyEach(posted, await allMessages(world.worker.url, room));
    expect(jobEvents(zombie).filter((e) => e.outcome === "replied")).toEqual([]);
    // Stored replies are visible before the rescuer logs them (it logs once each complete returns).
    const rescued = () => jobEvents(rescuer).filter((e) => e.outcome === "replied");
    await waitFor("the rescuer's two replied job lines", () => rescued().length >= 2, 10_000);
    expect(rescued()).toHaveLength(2);
  });
});
