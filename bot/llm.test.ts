import { afterEach, describe, expect, it } from "vitest";
import { type FakeLlm, startFakeLlm, THOUGHT_MARK, type ThinkingFormat } from "../tests/support/fake-llm.ts";
import { freePort } from "../tests/support/worker-process.ts";
import { createLlmResponder, thinkingParams } from "./llm.ts";
import { createLogger } from "./log.ts";
import { chooseResponder, findLlmServer, probeCandidates } from "./probe.ts";
import { LlmError } from "./responder.ts";

let fake: FakeLlm | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const request = {
  model: "fake-model",
  messages: [
    { role: "system" as const, content: "Be brief." },
    { role: "user" as const, content: "hello" },
  ],
};

function responder(baseUrl: string, requestTimeoutMs = 5_000) {
  return createLlmResponder({ baseUrl, apiKey: null, requestTimeoutMs, connectTimeoutMs: 1_000 });
}

async function failureOf(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

describe("LLM responder", () => {
  it("sends the chat request with the entity's sampling options and returns text and token counts", async () => {
    fake = await startFakeLlm();
    const result = await responder(fake.url).chat(
      { ...request, temperature: 0.4, maxTokens: 64, topP: 0.9 },
      new AbortController().signal,
    );
    expect(result.text).toBe("echo: hello");
    expect(result.completionTokens).toBeGreaterThan(0);
    expect(fake.requests[0]!.body).toMatchObject({
      model: "fake-model",
      messages: request.messages,
      temperature: 0.4,
      max_tokens: 64,
      top_p: 0.9,
      stream: true,
    });
  });

  it("streams: hears the text grow token by token from a streaming server, and ends with all of it", async () => {
    fake = await startFakeLlm({ streamTokensPerSecond: 200, reply: "one two three four five" });
    const heard: string[] = [];
    const result = await responder(fake.url).chat(request, new AbortController().signal, (soFar) => heard.push(soFar));
    expect(result.text).toBe("one two three four five");
    expect(heard).toEqual(["one", "one two", "one two three", "one two three four", "one two three four five"]);
    expect(result.completionTokens).toBe(5);
  });

  it("a server that ignores stream: true and answers one JSON completion still works, as one chunk", async () => {
    fake = await startFakeLlm({ reply: "all at once" });
    const heard: string[] = [];
    const result = await responder(fake.url).chat(request, new AbortController().signal, (soFar) => heard.push(soFar));
    expect(result.text).toBe("all at once");
    expect(heard).toEqual(["all at once"]);
  });

  it("cancelling mid-stream reports aborted and stops reading", async () => {
    fake = await startFakeLlm({ streamTokensPerSecond: 20, replyTokens: 100 });
    const controller = new AbortController();
    const heard: string[] = [];
    const pending = responder(fake.url).chat(request, controller.signal, (soFar) => {
      heard.push(soFar);
      if (heard.length === 3) controller.abort();
    });
    expect((await failureOf(pending)).kind).toBe("aborted");
    expect(heard).toHaveLength(3);
  });

  it("calls refused connections, 503s, 429s and timeouts an outage, and other 4xx a rejection", async () => {
    fake = await startFakeLlm();
    const llm = responder(fake.url, 500);
    const signal = new AbortController().signal;

    await fake.setBehavior({ errorStatus: 503 });
    expect(await failureOf(llm.chat(request, signal))).toMatchObject({ kind: "outage", status: 503 });
    await fake.setBehavior({ errorStatus: 429 });
    expect(await failureOf(llm.chat(request, signal))).toMatchObject({ kind: "outage", status: 429 });
    await fake.setBehavior({ errorStatus: 400 });
    expect(await failureOf(llm.chat(request, signal))).toMatchObject({ kind: "rejected", status: 400 });

    await fake.setBehavior({ errorStatus: null, latencyMs: 2_000 });
    const timeout = await failureOf(llm.chat(request, signal));
    expect(timeout.kind).toBe("outage");
    expect(timeout.message).toContain("did not answer in time");

    await fake.setBehavior({ latencyMs: 0, down: "refuse" });
    const refused = await failureOf(llm.chat(request, signal));
    expect(refused).toMatchObject({ kind: "outage" });
    expect(refused.message).toContain("ECONNREFUSED");

    await fake.setBehavior({ down: "close" });
    expect((await failureOf(llm.chat(request, signal))).kind).toBe("outage");
  });

  it("waits for a slow answer as long as the request timeout allows (a model loading)", async () => {
    fake = await startFakeLlm({ slowFirstRequestMs: 1_500 });
    const result = await responder(fake.url, 10_000).chat(request, new AbortController().signal);
    expect(result.text).toBe("echo: hello");
  });

  it("reports a request we cancelled as aborted", async () => {
    fake = await startFakeLlm({ latencyMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failureOf(responder(fake.url).chat(request, controller.signal))).kind).toBe("aborted");
  });
});

describe("LLM responder: thinking models", () => {
  const formats: ThinkingFormat[] = ["reasoning", "reasoning_content", "inline"];
  for (const streaming of [true, false]) {
    for (const format of formats) {
      it(`${format}, ${streaming ? "streamed" : "one JSON completion"}: the chain of thought is dropped or left inline for bot/thinking.ts, and that the model reasoned is heard`, async () => {
        fake = await startFakeLlm({
          thinking: format,
          streamTokensPerSecond: streaming ? 500 : null,
          reply: "the answer",
        });
        const heard: Array<[string, boolean]> = [];
        const result = await responder(fake.url).chat(request, new AbortController().signal, (soFar, reasoned) =>
          heard.push([soFar, reasoned]),
        );
        expect(result.finishReason).toBe("stop");
        if (format === "inline") {
          // Inline thought is content: it is bot/thinking.ts that reads it out (see job.ts).
          expect(result.text).toMatch(/^<think>\n.*<\/think>\n\nthe answer$/s);
          expect(heard.every(([, reasoned]) => !reasoned)).toBe(true);
        } else {
          expect(result.text).toBe("the answer");
          for (const [soFar] of heard) expect(soFar).not.toContain(THOUGHT_MARK);
          // Heard once as reasoning starts (no text yet), then as the answer grows.
          expect(heard[0]).toEqual([streaming ? "" : "the answer", true]);
          expect(heard.at(-1)).toEqual(["the answer", true]);
          if (streaming) expect(heard.filter(([soFar]) => soFar === "")).toHaveLength(1);
        }
      });
    }
  }

  it("a model that runs out of tokens says so: finish reason length", async () => {
    fake = await startFakeLlm({ thinking: "reasoning", thoughtTokens: 20, streamTokensPerSecond: 500 });
    const result = await responder(fake.url).chat({ ...request, maxTokens: 8 }, new AbortController().signal);
    expect(result).toMatchObject({ text: "", finishReason: "length" });
  });

  it("the entity's thinking setting maps to reasoning_effort and the chat template's enable_thinking", () => {
    expect(thinkingParams(undefined)).toEqual({});
    expect(thinkingParams("off")).toEqual({
      reasoning_effort: "none",
      chat_template_kwargs: { enable_thinking: false },
    });
    for (const level of ["low", "medium", "high"] as const) {
      expect(thinkingParams(level)).toEqual({
        reasoning_effort: level,
        chat_template_kwargs: { enable_thinking: true },
      });
    }
  });

  it('a server that refuses reasoning_effort "none" (vLLM takes low/medium/high) is asked again without it, and from then on', async () => {
    fake = await startFakeLlm({ strictReasoningEffort: true });
    const llm = responder(fake.url);
    const off = { ...request, thinking: "off" as const };
    expect((await llm.chat(off, new AbortController().signal)).text).toBe("echo: hello");
    expect((await llm.chat(off, new AbortController().signal)).text).toBe("echo: hello");
    expect(fake.requests.map((r) => r.body.reasoning_effort)).toEqual(["none", undefined, undefined]);
    for (const r of fake.requests) expect(r.body.chat_template_kwargs).toEqual({ enable_thinking: false });
    // Levels it takes are still sent.
    await llm.chat({ ...request, thinking: "low" }, new AbortController().signal);
    expect(fake.requests.at(-1)!.body.reasoning_effort).toBe("low");
  });
});

describe("finding an LLM server", () => {
  it("tries the configured URL first, then LM Studio, Ollama and llama.cpp ports", () => {
    expect(probeCandidates("http://gpu:1234/v1")).toEqual([
      "http://gpu:1234/v1",
      "http://127.0.0.1:1234/v1",
      "http://127.0.0.1:11434/v1",
      "http://127.0.0.1:8080/v1",
    ]);
    expect(probeCandidates("http://127.0.0.1:1234/v1")).toHaveLength(3);
  });

  it("returns the first candidate in order that answers /models, quickly", async () => {
    fake = await startFakeLlm();
    const nobody = `http://127.0.0.1:${await freePort()}/v1`;
    const started = Date.now();
    expect(await findLlmServer([nobody, fake.url])).toEqual({ url: fake.url, models: ["fake-model"] });
    expect(await findLlmServer([nobody])).toBeNull();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("with --no-demo and no server answering, waits for the configured server instead of the demo", async () => {
    const configured = `http://127.0.0.1:${await freePort()}/v1`;
    const lines: string[] = [];
    const base = { llmKey: null, requestTimeoutMs: 2_000, connectTimeoutMs: 500, llmUrl: configured };
    const log = createLogger({ json: false, write: (line) => lines.push(line) });
    const strict = await chooseResponder({ ...base, demo: false, noDemo: true }, [], log);
    expect(strict.responder.label).toBe(configured);
    expect(await strict.responder.available(AbortSignal.timeout(2_000))).toBe(false);
    expect(lines.join("\n")).toContain("no demo replies");
    const lenient = await chooseResponder({ ...base, demo: false, noDemo: false }, [], log);
    expect(lenient.responder.label).toBe("demo");
    lenient.close();
  });
});
