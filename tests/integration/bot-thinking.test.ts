// Thinking models across processes: the real Worker (wrangler dev), the real bot, and a fake LLM
// that thinks the way each kind of server sends it. Nobody ever sees a chain of thought; viewers
// see that the entity thinks, then its answer; a budget spent thinking fails with a reason to act on.
import { describe, expect, it } from "vitest";
import type { ServerEvent } from "../../types/live.ts";
import { startFakeLlm, THOUGHT_MARK, type ThinkingFormat } from "../support/fake-llm.ts";
import { watchLive } from "../support/live-watcher.ts";
import { startRecordingProxy } from "../support/recording-proxy.ts";
import { BOT_TOKEN } from "../support/worker-process.ts";
import {
  allMessages,
  post,
  startBot,
  statusOf,
  type TestEntity,
  useBotWorld,
  waitFor,
  writeEntities,
} from "./helpers.ts";

const world = useBotWorld();
const FORMATS: ThinkingFormat[] = ["reasoning", "reasoning_content", "inline"];

/** One entity per way of thinking; the fake LLM picks its format from the model name. */
const thinkers: TestEntity[] = FORMATS.map((format, i) => ({
  id: `think-${format.replace("_", "-")}`,
  username: `Thinker${i}`,
  color: "120200150",
  model: `fake-think-${format}`,
}));

const draftsOf = (events: ServerEvent[], id: string) =>
  events.flatMap((e) => (e.type === "draft" && e.draft.messageId === id ? [e.draft] : []));

interface ProgressBody {
  messageId: string;
  text: string;
  phase?: string;
}

describe("thinking models", () => {
  for (const streaming of [true, false]) {
    it(`${streaming ? "streamed" : "answered in one JSON completion"}: each of the three formats stores the answer alone, and no progress call or draft ever carries thinking (must-show 1)`, async () => {
      world.fake = await startFakeLlm({ streamTokensPerSecond: streaming ? 40 : null, thoughtTokens: 15 });
      const room = `think-${streaming ? "stream" : "json"}-${Date.now().toString(36)}`;
      const proxy = await startRecordingProxy(world.worker.url);
      const viewer = await watchLive(world.worker.url, room);
      try {
        const bot = startBot({
          workerId: "thinker",
          api: proxy.url,
          room,
          llm: world.fake.url,
          entitiesFile: writeEntities(thinkers),
        });
        await bot.waitForEvent("start", (e) => e.event === "start", 15_000);
        for (const entity of thinkers) {
          await post(world.worker.url, room, { id: `q-${entity.id}`, text: `hello ${entity.id}`, entity: entity.id });
        }
        await waitFor(
          "three replies",
          async () =>
            (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI").length === 3,
          30_000,
        );
        const stored = (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI");
        expect(stored.map((m) => [m.replyTo, m.text]).sort()).toEqual(
          thinkers.map((e) => [`q-${e.id}`, `echo: hello ${e.id}`]).sort(),
        );

        const progress = proxy.calls
          .filter((c) => c.path === "/api/queue/progress")
          .map((c) => JSON.parse(c.requestBody) as ProgressBody);
        for (const call of progress) {
          expect(call.text).not.toContain(THOUGHT_MARK);
          expect(call.text).not.toContain("think>");
          if (call.phase === "thinking") expect(call.text).toBe("");
        }
        await new Promise((r) => setTimeout(r, 300));
        const events = viewer.events();
        expect(JSON.stringify(events)).not.toContain(THOUGHT_MARK);
        for (const entity of thinkers) {
          const id = `q-${entity.id}`;
          const calls = progress.filter((c) => c.messageId === id);
          const drafts = draftsOf(events, id);
          if (streaming) {
            // Thinking is said once, first; then the answer grows, and thinking never comes back.
            expect(calls[0]).toMatchObject({ text: "", phase: "thinking" });
            expect(calls.filter((c) => c.phase === "thinking")).toHaveLength(1);
            expect(calls.length).toBeGreaterThan(1);
            expect(calls.at(-1)!.text.length).toBeGreaterThan(0);
            expect(drafts[0]).toMatchObject({ text: "", phase: "thinking", username: entity.username });
            const firstWriting = drafts.findIndex((d) => d.phase === undefined);
            expect(firstWriting).toBeGreaterThan(0);
            expect(drafts.slice(firstWriting).every((d) => d.phase === undefined && d.text.length > 0)).toBe(true);
          } else {
            // One chunk: the answer is there at once (a server that reasoned says so first, with no text).
            expect(calls.filter((c) => c.phase !== "thinking").map((c) => c.text)).toEqual([
              `echo: hello ${entity.id}`,
            ]);
          }
        }
      } finally {
        viewer.close();
        await proxy.close();
      }
    }, 90_000);
  }

  it("a budget spent thinking fails the message for good with the reason, never left pending or processing; an answer cut mid-way is stored with … (must-show 3)", async () => {
    world.fake = await startFakeLlm({ streamTokensPerSecond: 200, thoughtTokens: 12 });
    const room = `think-budget-${Date.now().toString(36)}`;
    const entities: TestEntity[] = [
      { id: "spent", username: "Spent", color: "120200150", model: "fake-think-reasoning", maxTokens: 10 },
      { id: "inline-spent", username: "Inline", color: "120200150", model: "fake-think-inline", maxTokens: 10 },
      // 12 thought tokens, then 3 of the answer's 5 ("echo: tell me about clouds").
      { id: "cut", username: "Cut", color: "120200150", model: "fake-think-reasoning_content", maxTokens: 15 },
    ];
    const bot = startBot({
      workerId: "thinker",
      api: world.worker.url,
      room,
      llm: world.fake.url,
      entitiesFile: writeEntities(entities),
    });
    await bot.waitForEvent("start", (e) => e.event === "start", 15_000);
    for (const entity of entities) {
      await post(world.worker.url, room, { id: `q-${entity.id}`, text: "tell me about clouds", entity: entity.id });
    }
    const jobs = await waitFor(
      "three jobs",
      () => {
        const done = bot.events.filter((e) => e.event === "job");
        return done.length === 3 ? done : undefined;
      },
      30_000,
      100,
    );
    // The operator's view (a token): the raw reason, which the public never reads.
    const [spent, inlineSpent, cut] = await statusOf(
      world.worker.url,
      room,
      entities.map((e) => `q-${e.id}`),
      BOT_TOKEN,
    );
    for (const [message, name] of [
      [spent, "Spent"],
      [inlineSpent, "Inline"],
    ] as const) {
      expect(message?.botParams).toMatchObject({ status: "failed", attempts: 1 });
      expect(message?.botParams?.error).toContain(`${name}'s model spent its 10-token budget thinking`);
      expect(message?.botParams?.error).toContain("raise maxTokens");
    }
    expect(cut?.botParams?.status).toBe("complete");
    const failedJobs = jobs.filter((e) => e.outcome === "failed");
    expect(failedJobs.map((e) => e.messageId).sort()).toEqual(["q-inline-spent", "q-spent"]);
    for (const job of failedJobs) expect(String(job.reason)).toContain("10-token budget thinking");

    const replies = (await allMessages(world.worker.url, room)).filter((m) => m["message-type"] === "AI");
    expect(replies.map((m) => [m.replyTo, m.text])).toEqual([["q-cut", "echo: tell me…"]]);
    // Failed for good: not queued again, so nothing more is asked of the LLM.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(world.fake.requests).toHaveLength(3);
  }, 60_000);

  it("an entity's thinking setting reaches the server as reasoning_effort and the chat template's enable_thinking (must-show 4)", async () => {
    world.fake = await startFakeLlm();
    const room = `think-setting-${Date.now().toString(36)}`;
    const entities: TestEntity[] = [
      { id: "off", username: "Off", color: "120200150", thinking: "off" },
      { id: "high", username: "High", color: "120200150", thinking: "high" },
      { id: "default", username: "Default", color: "120200150" },
    ];
    const bot = startBot({
      workerId: "thinker",
      api: world.worker.url,
      room,
      llm: world.fake.url,
      entitiesFile: writeEntities(entities),
    });
    await bot.waitForEvent("start", (e) => e.event === "start", 15_000);
    for (const entity of entities) {
      await post(world.worker.url, room, { id: `q-${entity.id}`, text: `to ${entity.id}`, entity: entity.id });
    }
    await waitFor("three requests", () => world.fake!.requests.length === 3, 20_000, 100);
    const sent = (id: string) => world.fake!.requests.find((r) => r.body.messages.at(-1).content === `to ${id}`)!.body;
    expect(sent("off")).toMatchObject({ reasoning_effort: "none", chat_template_kwargs: { enable_thinking: false } });
    expect(sent("high")).toMatchObject({ reasoning_effort: "high", chat_template_kwargs: { enable_thinking: true } });
    expect(sent("default")).not.toHaveProperty("reasoning_effort");
    expect(sent("default")).not.toHaveProperty("chat_template_kwargs");
  }, 60_000);
});
