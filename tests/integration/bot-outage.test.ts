// The LLM server going away and the bot being asked to stop: nothing is lost, no attempt is wasted.
// Real Worker (wrangler dev), real bot processes, a fake OpenAI-compatible LLM.
import { describe, expect, it } from "vitest";
import type { Message } from "../../types/message.ts";
import { startFakeLlm } from "../support/fake-llm.ts";
import { sleep } from "../support/waiting.ts";
import {
  allMessages,
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

const sage: TestEntity = { id: "sage", username: "Sage", color: "120200150" };
const alice = { username: "alice", color: "255100050" };

const world = useBotWorld();

async function replies(room: string): Promise<Message[]> {
  return (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI");
}

async function postAddressed(room: string, ids: string[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await post(world.worker.url, room, {
      id,
      text: `message ${id}`,
      username: `p${i}`,
      color: "100150200",
      entity: "sage",
    });
  }
}

describe("LLM server outage (must-show 3)", () => {
  it("survives 30 s without the LLM server: nothing lost, nothing failed, leases kept, bots resume on their own", async () => {
    world.fake = await startFakeLlm({ latencyMs: 2_000 });
    const room = `outage-${Date.now().toString(36)}`;
    const file = writeEntities([sage]);
    const bots = [1, 2].map((n) =>
      startBot({
        api: world.worker.url,
        room,
        workerId: `outage-bot-${n}`,
        llm: world.fake!.url,
        concurrency: 2,
        leaseSeconds: 5,
        entitiesFile: file,
        args: ["--backoff-max-seconds", "4"],
      }),
    );
    await Promise.all(bots.map((b) => b.waitForEvent("start", (e) => e.event === "start", 15_000)));

    const before = ["a0", "a1", "a2", "a3"];
    await postAddressed(room, before);
    await waitFor("4 jobs inside the LLM", () => world.fake!.requests.length >= 4, 10_000, 50);

    // Down: first refusing connections (cutting the 4 requests in flight), then answering 503.
    const downAt = Date.now();
    await world.fake.setBehavior({ down: "refuse" });
    const during = ["b0", "b1", "b2", "b3", "b4", "b5"];
    await postAddressed(room, during);
    await sleep(15_000);
    const midOutage = await stats(world.worker.url, room);
    await world.fake.setBehavior({ down: "503" });
    await sleep(Math.max(0, 30_000 - (Date.now() - downAt)));
    const lateOutage = await stats(world.worker.url, room);
    await world.fake.setBehavior({ down: false });
    const upAt = Date.now();

    const all = [...before, ...during];
    await waitFor("10 replies", async () => (await replies(room)).length >= 10, 60_000, 500);
    const recoveredInS = ((Date.now() - upAt) / 1000).toFixed(1);

    // While down, the bots only held the jobs they already had; the rest waited in the queue.
    console.log(
      `mid-outage queue: ${JSON.stringify(midOutage.queue)}; late-outage queue: ${JSON.stringify(lateOutage.queue)}; ` +
        `all replied ${recoveredInS} s after the server came back`,
    );
    for (const queue of [midOutage.queue, lateOutage.queue]) {
      expect(queue.processing).toBeLessThanOrEqual(4);
      expect(queue.pending).toBeGreaterThanOrEqual(6);
      expect(queue.failed).toBe(0);
    }
    // Nothing lost, nothing failed, and no attempt spent: every lease stayed alive through the outage.
    const states = await statusOf(world.worker.url, room, all);
    expect(states.map((m) => [m.id, m.botParams?.status, m.botParams?.attempts])).toEqual(
      all.map((id) => [id, "complete", 0]),
    );
    const answered = await replies(room);
    expect(answered.map((m) => m.replyTo).sort()).toEqual([...all].sort());
    for (const bot of bots) {
      const down = bot.events.find((e) => e.event === "llm" && e.msg.startsWith("LLM server unavailable"));
      const back = bot.events.find((e) => e.event === "llm" && e.msg.startsWith("LLM server answers again"));
      expect(down, `${bot.workerId} noticed the outage`).toBeDefined();
      expect(back, `${bot.workerId} noticed the recovery`).toBeDefined();
      expect(jobEvents(bot).filter((e) => e.outcome !== "replied")).toEqual([]);
    }
  });
});

describe("an outage longer than the release limit", () => {
  it("gives the job back without an attempt, claims nothing while down, and resumes when the server answers", async () => {
    world.fake = await startFakeLlm();
    const room = `long-outage-${Date.now().toString(36)}`;
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "patient-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
      args: ["--outage-release-seconds", "2", "--backoff-max-seconds", "1"],
    });
    await bot.waitForEvent("start", (e) => e.event === "start", 15_000);
    await world.fake.setBehavior({ down: "refuse" });
    await post(world.worker.url, room, { id: "m1", text: "hello?", ...alice, entity: "sage" });

    const released = await bot.waitForEvent(
      "the release",
      (e) => e.event === "job" && e.outcome === "released",
      15_000,
    );
    console.log("release reason:", released.reason);
    expect(released.reason).toContain("LLM server unavailable for");
    await sleep(2_000);
    // Still down: the bot does not take the message back while it could not answer it.
    const [waiting] = await statusOf(world.worker.url, room, ["m1"]);
    expect(waiting?.botParams).toMatchObject({ status: "pending", attempts: 0 });

    await world.fake.setBehavior({ down: false });
    await waitFor("the reply", async () => (await replies(room)).length === 1, 20_000);
    const [answered] = await statusOf(world.worker.url, room, ["m1"]);
    expect(answered?.botParams).toMatchObject({ status: "complete", attempts: 0 });
    // The reply is visible as soon as it is stored; the bot logs it once its complete returns.
    await bot.waitForEvent("its replied job line", (e) => e.event === "job" && e.outcome === "replied", 10_000);
    expect(jobEvents(bot).map((e) => e.outcome)).toEqual(["released", "replied"]);
  });
});

describe("stopping (SIGINT/SIGTERM)", () => {
  it("finishes the job in flight, then exits 0", async () => {
    world.fake = await startFakeLlm({ latencyMs: 2_000 });
    const room = `stop-${Date.now().toString(36)}`;
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "stop-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
    });
    await post(world.worker.url, room, { id: "m1", text: "quick question", ...alice, entity: "sage" });
    await waitFor("the job to reach the LLM", () => world.fake!.requests.length === 1, 15_000, 50);

    expect(await bot.stop()).toBe(0);
    const [message] = await statusOf(world.worker.url, room, ["m1"]);
    expect(message?.botParams).toMatchObject({ status: "complete", attempts: 0 });
    expect((await replies(room)).map((m) => m.replyTo)).toEqual(["m1"]);

    // The console: one line for the job with what an operator needs, and a summary.
    const [job] = jobEvents(bot);
    console.log("job line:", JSON.stringify(job));
    expect(job).toMatchObject({ entity: "sage", messageId: "m1", outcome: "replied", tokens: expect.any(String) });
    expect(job?.waitMs).toEqual(expect.any(Number));
    expect(job?.llmMs).toBeGreaterThanOrEqual(2_000);
    expect(bot.events.findLast((e) => e.event === "summary")).toMatchObject({ replied: 1, inFlight: 0 });
  });

  it("releases a job it cannot finish within the grace period (no attempt counted), then exits 0", async () => {
    world.fake = await startFakeLlm({ latencyMs: 30_000 });
    const room = `grace-${Date.now().toString(36)}`;
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "grace-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
      args: ["--shutdown-grace-seconds", "1"],
    });
    await post(world.worker.url, room, { id: "m1", text: "a long one", ...alice, entity: "sage" });
    await waitFor("the job to reach the LLM", () => world.fake!.requests.length === 1, 15_000, 50);

    const stoppedAt = Date.now();
    expect(await bot.stop()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const [message] = await statusOf(world.worker.url, room, ["m1"]);
    expect(message?.botParams).toMatchObject({ status: "pending", attempts: 0 });
    expect(jobEvents(bot).map((e) => e.outcome)).toEqual(["released"]);
  });

  it("releases at once a job waiting out an LLM outage, exits 0, and another bot answers it later", async () => {
    world.fake = await startFakeLlm();
    const room = `stop-outage-${Date.now().toString(36)}`;
    const file = writeEntities([sage]);
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "stuck-bot",
      llm: world.fake.url,
      entitiesFile: file,
    });
    await bot.waitForEvent("start", (e) => e.event === "start", 15_000);
    await world.fake.setBehavior({ down: "refuse" });
    await post(world.worker.url, room, { id: "m1", text: "anyone?", ...alice, entity: "sage" });
    await bot.waitForEvent(
      "the outage",
      (e) => e.event === "llm" && e.msg.startsWith("LLM server unavailable"),
      15_000,
    );

    const stoppedAt = Date.now();
    expect(await bot.stop()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    const [released] = await statusOf(world.worker.url, room, ["m1"]);
    expect(released?.botParams).toMatchObject({ status: "pending", attempts: 0 });
    expect(jobEvents(bot).map((e) => e.outcome)).toEqual(["released"]);

    await world.fake.setBehavior({ down: false });
    startBot({ api: world.worker.url, room, workerId: "next-bot", llm: world.fake.url, entitiesFile: file });
    await waitFor("the reply", async () => (await replies(room)).length === 1, 20_000);
    const [answered] = await statusOf(world.worker.url, room, ["m1"]);
    expect(answered?.botParams).toMatchObject({ status: "complete", attempts: 0 });
  });
});
