// What one bot does with a message: the prompt it sends, the reply it posts, and how it fails.
// Real Worker (wrangler dev), real bot processes, a fake OpenAI-compatible LLM.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { colorSchema } from "../../types/message.ts";
import { startFakeLlm } from "../support/fake-llm.ts";
import { BOT_TOKEN } from "../support/worker-process.ts";
import {
  allMessages,
  jobEvents,
  post,
  startBot,
  statusOf,
  type TestEntity,
  useBotWorld,
  waitFor,
  writeEntities,
} from "./helpers.ts";

const sage: TestEntity = { id: "sage", username: "Sage", color: "120200150", contextMessages: 20 };
const alice = { username: "alice", color: "255100050" };
const bob = { username: "bob", color: "000120255" };

const world = useBotWorld();
let roomCount = 0;
const newRoom = (name: string) => `${name}-${Date.now().toString(36)}-${roomCount++}`;
/** The message being answered: the last line of the last user turn (earlier lines are earlier messages). */
const lastUser = (body: { messages: { role: string; content: string }[] }) =>
  body.messages
    .findLast((m) => m.role === "user")
    ?.content.split("\n")
    .at(-1) ?? "";

async function replyTo(room: string, id: string, timeoutMs = 20_000) {
  return waitFor(
    `a reply to ${id}`,
    async () => (await allMessages(world.worker.url, room)).find((m) => m.replyTo === id),
    timeoutMs,
  );
}

describe("the prompt (must-show 5)", () => {
  it("sends system first, then alternating turns of the 30-message conversation trimmed to contextMessages, ending with the human", async () => {
    world.fake = await startFakeLlm();
    const room = newRoom("prompt");
    // 29 messages of history: Sage's replies at odd positions, alice's messages at even ones.
    for (let n = 1; n <= 29; n++) {
      const fromSage = n % 2 === 1;
      await post(world.worker.url, room, {
        id: `p${n}`,
        text: fromSage ? `Sage turn ${n}` : `alice turn ${n}`,
        ...(fromSage ? { username: sage.username, color: sage.color, type: "AI" } : alice),
      });
    }
    // Someone else talking in the room is not part of this conversation.
    await post(world.worker.url, room, { id: "other", text: "unrelated", username: "bob", color: "000200000" });
    await post(world.worker.url, room, { id: "p30", text: "alice turn 30", ...alice, entity: "sage" });

    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "prompt-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
    });
    const reply = await replyTo(room, "p30");

    expect(world.fake.requests).toHaveLength(1);
    const sent = world.fake.requests[0]!.body;
    const expected = [
      { role: "system", content: "You are Sage." },
      ...Array.from({ length: 19 }, (_, i) => {
        const n = 12 + i;
        return n % 2 === 0
          ? { role: "user", content: `alice turn ${n}` }
          : { role: "assistant", content: `Sage turn ${n}` };
      }),
    ];
    console.log("messages sent to the LLM:", JSON.stringify(sent.messages));
    expect(sent.messages).toEqual(expected);
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "alice turn 30" });
    expect(sent.model).toBe("fake-model");
    expect(reply).toMatchObject({
      username: "Sage",
      color: "120200150",
      text: "echo: alice turn 30",
      "message-type": "AI",
    });
    await bot.stop();
  });
});

describe("replies", () => {
  it("posts as the entity after filterOut/trimAfter, and completes [SKIP] without posting", async () => {
    world.fake = await startFakeLlm({
      reply: (body) => (lastUser(body).includes("skip me") ? " [SKIP] " : "Hi<|im_end|> there\nUser: invented turn"),
    });
    const room = newRoom("post");
    const entities = writeEntities([{ ...sage, filterOut: ["<|im_end|>"], trimAfter: ["\nUser:"] }]);
    await post(world.worker.url, room, { id: "hello", text: "hello", ...alice, entity: "sage" });
    await post(world.worker.url, room, { id: "skip", text: "skip me please", ...alice, entity: "sage" });
    startBot({ api: world.worker.url, room, workerId: "post-bot", llm: world.fake.url, entitiesFile: entities });

    const reply = await replyTo(room, "hello");
    expect(reply).toMatchObject({ text: "Hi there", username: "Sage", color: "120200150" });
    const [skipped] = await waitFor(
      "the [SKIP] message to complete",
      async () => {
        const found = await statusOf(world.worker.url, room, ["skip"]);
        return found[0]?.botParams?.status === "complete" ? found : undefined;
      },
      20_000,
    );
    expect(skipped?.botParams?.status).toBe("complete");
    expect((await allMessages(world.worker.url, room)).filter((m) => m.replyTo === "skip")).toEqual([]);
    // The room now lists the entity as its bot presents it, so the app can show it by name (E5).
    const listed = await (await fetch(`${world.worker.url}/api/entities?room=${room}`)).json();
    expect(listed).toMatchObject({ entities: [{ id: "sage", username: "Sage", color: "120200150" }] });
  });

  it("answers as ais name:random with one color for the whole conversation, and remembers it as the assistant", async () => {
    world.fake = await startFakeLlm();
    const room = newRoom("ais");
    startBot({
      api: world.worker.url,
      room,
      workerId: "ais-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
    });
    await post(world.worker.url, room, {
      id: "q1",
      text: "who are you?",
      ...alice,
      entity: "sage",
      ais: "Oracle:random",
    });
    const first = await replyTo(room, "q1");
    await post(world.worker.url, room, {
      id: "q2",
      text: "and again?",
      ...alice,
      entity: "sage",
      ais: "Oracle:random",
    });
    const second = await replyTo(room, "q2");

    expect(first.username).toBe("Oracle");
    expect(colorSchema.safeParse(first.color).success).toBe(true);
    expect(first.color).not.toBe(sage.color);
    expect(second).toMatchObject({ username: "Oracle", color: first.color });
    // The second prompt found the first exchange through the (Oracle, color) pair.
    expect(world.fake.requests[1]!.body.messages.slice(1)).toEqual([
      { role: "user", content: "who are you?" },
      { role: "assistant", content: "echo: who are you?" },
      { role: "user", content: "and again?" },
    ]);
  });
});

describe("failures of one message", () => {
  it("retries an empty LLM reply, then fails the message with a reason visible through the API (must-show 4)", async () => {
    world.fake = await startFakeLlm({ empty: (body) => lastUser(body).includes("say nothing") });
    const room = newRoom("empty");
    await post(world.worker.url, room, { id: "mute", text: "please say nothing", ...alice, entity: "sage" });
    await post(world.worker.url, room, { id: "fine", text: "say something", ...bob, entity: "sage" });
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "empty-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
    });

    const [failed] = await waitFor(
      "the empty-reply message to fail",
      async () => {
        const found = await statusOf(world.worker.url, room, ["mute"]);
        return found[0]?.botParams?.status === "failed" ? found : undefined;
      },
      30_000,
    );
    console.log("failed message as the API shows it:", JSON.stringify(failed?.botParams));
    expect(failed?.botParams).toMatchObject({ status: "failed", attempts: 3 });
    expect(failed?.botParams?.error).toBe("the model returned an empty reply");
    expect(world.fake.requests.filter((r) => lastUser(r.body) === "please say nothing")).toHaveLength(3);
    // The API shows the failure as soon as it is stored; the bot logs it once its call returns.
    await bot.waitForEvent("its failed job line", (e) => e.messageId === "mute" && e.outcome === "failed", 10_000);
    expect(
      jobEvents(bot)
        .filter((e) => e.messageId === "mute")
        .map((e) => e.outcome),
    ).toEqual(["retry", "retry", "failed"]);
    // Only that message failed.
    expect(await replyTo(room, "fine")).toMatchObject({ text: "echo: say something" });
    expect((await allMessages(world.worker.url, room)).filter((m) => m.replyTo === "mute")).toEqual([]);
  });

  it("fails only the message the LLM server rejects with a 4xx", async () => {
    world.fake = await startFakeLlm({ errorStatus: (body) => (lastUser(body).includes("too long") ? 400 : null) });
    const room = newRoom("reject");
    await post(world.worker.url, room, { id: "bad", text: "this prompt is too long", ...alice, entity: "sage" });
    await post(world.worker.url, room, { id: "good", text: "short", ...bob, entity: "sage" });
    startBot({
      api: world.worker.url,
      room,
      workerId: "reject-bot",
      llm: world.fake.url,
      entitiesFile: writeEntities([sage]),
    });

    expect(await replyTo(room, "good")).toMatchObject({ text: "echo: short" });
    const [bad] = await waitFor(
      "the rejected message to fail",
      async () => {
        const found = await statusOf(world.worker.url, room, ["bad"]);
        return found[0]?.botParams?.status === "failed" ? found : undefined;
      },
      30_000,
    );
    // The public sees a safe reason; the bot token reads what the LLM server said.
    expect(bad?.botParams?.error).toBe("the bot gave up after 3 attempts");
    expect(bad?.botParams?.attempts).toBe(3);
    const [raw] = await statusOf(world.worker.url, room, ["bad"], BOT_TOKEN);
    expect(raw?.botParams?.error).toContain("400");
  });
});

describe("slow model loads", () => {
  it("waits out a slow first request (longer than the lease) without a second request or a lost lease", async () => {
    world.fake = await startFakeLlm({ slowFirstRequestMs: 6_500 });
    const room = newRoom("slow");
    await post(world.worker.url, room, { id: "first", text: "are you awake?", ...alice, entity: "sage" });
    startBot({
      api: world.worker.url,
      room,
      workerId: "slow-bot",
      llm: world.fake.url,
      leaseSeconds: 5,
      entitiesFile: writeEntities([sage]),
    });
    const reply = await replyTo(room, "first", 30_000);
    expect(reply.text).toBe("echo: are you awake?");
    expect(world.fake.requests).toHaveLength(1);
    const [message] = await statusOf(world.worker.url, room, ["first"]);
    // No attempt was spent: the heartbeats kept the 5 s lease alive through the 6.5 s request.
    expect(message?.botParams).toMatchObject({ status: "complete", attempts: 0 });
  });
});

describe("entities file", () => {
  it("reloads when the file changes, without dropping the job in flight", async () => {
    world.fake = await startFakeLlm({ latencyMs: 3_000 });
    const room = newRoom("reload");
    const wren: TestEntity = { id: "wren", username: "Wren", color: "230160060", enabled: false };
    const file = writeEntities([sage, wren]);
    const bot = startBot({
      api: world.worker.url,
      room,
      workerId: "reload-bot",
      llm: world.fake.url,
      entitiesFile: file,
    });
    await post(world.worker.url, room, { id: "to-sage", text: "hi sage", ...alice, entity: "sage" });
    await post(world.worker.url, room, { id: "to-wren", text: "hi wren", ...alice, entity: "wren" });
    await waitFor("the sage job to reach the LLM", () => world.fake!.requests.length === 1, 10_000);

    writeEntities(
      [
        { ...sage, enabled: false },
        { ...wren, enabled: true },
      ],
      file,
    );
    const reload = await bot.waitForEvent(
      "the reload",
      (e) => e.event === "entities" && e.msg.startsWith("reloaded"),
      10_000,
    );

    const sageReply = await replyTo(room, "to-sage");
    expect(sageReply).toMatchObject({ username: "Sage", text: "echo: hi sage" });
    // The reply to sage came after the reload that disabled sage: the job in flight was kept.
    expect(Date.parse(reload.time)).toBeLessThan(sageReply.timestamp);
    expect(await replyTo(room, "to-wren")).toMatchObject({ username: "Wren", text: "echo: hi wren" });
  });

  it("refuses to start with an invalid file and names the bad field", async () => {
    const file = writeEntities([sage]);
    writeFileSync(file, JSON.stringify({ entities: [{ ...sage, model: "m", systemPrompt: "p", color: "purple" }] }));
    const bot = startBot({
      api: world.worker.url,
      room: newRoom("invalid"),
      workerId: "invalid-bot",
      entitiesFile: file,
      args: ["--demo"],
    });
    expect(await bot.exited).toBe(1);
    expect(bot.output.join("\n")).toContain('entities[0] (id \\"sage\\").color');
  });
});

describe("first run without an LLM server (must-show 6)", () => {
  it("says no LLM server answered and replies with a demo reply that says it is a demo", async () => {
    const room = newRoom("demo");
    // Started the way `npm start` starts it: API and token from the environment, no LLM configured.
    const bot = startBot({ api: world.worker.url, room, workerId: "demo-bot", entitiesFile: writeEntities([sage]) });
    const notice = await bot.waitForEvent("the no-LLM notice", (e) => e.event === "llm" && e.level === "warn", 15_000);
    console.log("bot said:", notice.msg);
    expect(notice.msg).toContain("No LLM server answered");
    expect(notice.msg).toContain("http://127.0.0.1:1234/v1");

    await post(world.worker.url, room, { id: "newcomer", text: "is anyone here?", ...alice, entity: "sage" });
    const reply = await replyTo(room, "newcomer");
    console.log("demo reply:", reply.text);
    expect(reply.username).toBe("Sage");
    expect(reply.text).toMatch(/^\[demo\] This is a demo reply/);
    expect(reply.text).toContain('You said: "is anyone here?"');
  });
});
