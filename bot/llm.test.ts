import { afterEach, describe, expect, it } from "vitest";
import { type FakeLlm, startFakeLlm } from "../tests/support/fake-llm.ts";
import { freePort } from "../tests/support/worker-process.ts";
import { createLlmResponder } from "./llm.ts";
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
