// A fake OpenAI-compatible LLM server for tests: real HTTP on 127.0.0.1, configurable latency,
// outages, errors, empty output, streaming and thinking models. Also a CLI for Playwright's webServer:
//   node tests/support/fake-llm.ts --port 8798 [--latency-ms 100] [--stream-tokens-per-second 30] [--reply-tokens 200]
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

// biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent; tests read them freely.
export type RequestBody = any;

export interface Behavior {
  /** Delay before answering a chat request: fixed ms, or uniformly random in [min, max]. */
  latencyMs: number | [number, number];
  /**
   * `refuse`: stop listening (connection refused; open connections are cut). `close`: accept, then
   * drop the connection without answering. `503`: answer every request 503. false: up.
   */
  down: false | "refuse" | "close" | "503";
  /** Answer with empty content (for every request, or those the predicate picks). */
  empty: boolean | ((body: RequestBody) => boolean);
  /** Extra delay for the first chat request only (a model loading). */
  slowFirstRequestMs: number;
  /** Answer this HTTP status (with an OpenAI-style error body) instead of a completion. */
  errorStatus: number | null | ((body: RequestBody, index: number) => number | null | undefined);
  /**
   * The reply text; default `echo: <last user message>`. A request whose model is `mention:<Name>`
   * gets `@<Name> ` before the default reply, so two entities keep addressing each other (scenes).
   */
  reply: string | ((body: RequestBody) => string) | null;
  /**
   * Stream (SSE `data:` chunks, then `[DONE]`) at this many tokens a second when the request asks for
   * `stream: true`; null (the default) answers one JSON completion even then, like a server that
   * does not stream. A token is a word with the whitespace before it.
   */
  streamTokensPerSecond: number | null;
  /** A long default reply: this many filler words before `echo: <last user message>`. */
  replyTokens: number | null;
  /**
   * Think before answering, the way servers send a chain of thought: `reasoning` (Ollama: a
   * `reasoning` delta with `content: ""`), `reasoning_content` (vLLM, LM Studio), `inline` (in
   * `content` between `<think>` and `</think>`, its tags split across chunks). null (the default):
   * the request's model name picks it (`fake-think-inline`, `fake-think-reasoning`,
   * `fake-think-reasoning_content`), else no thinking. While thinking, the request's `max_tokens`
   * is honoured: thought and answer count against it, and output cut there ends with
   * `finish_reason: "length"`.
   */
  thinking: ThinkingFormat | null;
  /** How many words the thought has; each is a token, and every one contains THOUGHT_MARK. */
  thoughtTokens: number;
  /**
   * Answer 400, naming the field, to a `reasoning_effort` other than low/medium/high, as vLLM's
   * request validation does.
   */
  strictReasoningEffort: boolean;
}

export type ThinkingFormat = "reasoning" | "reasoning_content" | "inline";
/** In every word of a fake thought, so a test can tell that none of it leaked. */
export const THOUGHT_MARK = "SECRETTHOUGHT";

export interface FakeLlm {
  /** Base URL ending in /v1. */
  url: string;
  port: number;
  /** Every chat completion request received, in arrival order. */
  requests: Array<{ body: RequestBody; receivedAt: number; firstTokenAt?: number; lastTokenAt?: number }>;
  /** Changes behavior; the returned promise settles once a `refuse` outage has started or ended. */
  setBehavior(b: Partial<Behavior>): Promise<void>;
  close(): Promise<void>;
}

const DEFAULTS: Behavior = {
  latencyMs: 0,
  down: false,
  empty: false,
  slowFirstRequestMs: 0,
  errorStatus: null,
  reply: null,
  streamTokensPerSecond: null,
  replyTokens: null,
  thinking: null,
  thoughtTokens: 12,
  strictReasoningEffort: false,
};

export async function startFakeLlm(options: Partial<Behavior> & { port?: number } = {}): Promise<FakeLlm> {
  const { port: wantedPort, ...initial } = options;
  let behavior: Behavior = { ...DEFAULTS, ...initial };
  const requests: FakeLlm["requests"] = [];
  const sockets = new Set<Socket>();
  let chatCount = 0;
  let closed = false;

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (behavior.down === "close") {
      req.socket.destroy();
      return;
    }
    if (behavior.down === "503") return sendJson(res, 503, errorBody("the model is loading (fake outage)", 503));
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && (path === "/" || path === "/v1" || path === "/v1/models" || path === "/models")) {
      return sendJson(res, 200, { object: "list", data: [{ id: "fake-model", object: "model", owned_by: "tests" }] });
    }
    if (req.method === "POST" && (path === "/v1/chat/completions" || path === "/chat/completions")) {
      let parsed: RequestBody;
      try {
        parsed = JSON.parse(body);
      } catch {
        return sendJson(res, 400, errorBody("body is not JSON", 400));
      }
      const index = chatCount++;
      const record: FakeLlm["requests"][number] = { body: parsed, receivedAt: Date.now() };
      requests.push(record);
      const delay = pickLatency(behavior.latencyMs) + (index === 0 ? behavior.slowFirstRequestMs : 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (res.destroyed || req.socket.destroyed) return;
      const status =
        typeof behavior.errorStatus === "function" ? behavior.errorStatus(parsed, index) : behavior.errorStatus;
      if (status) return sendJson(res, status, errorBody(`fake error ${status}`, status));
      const effort = parsed?.reasoning_effort;
      if (behavior.strictReasoningEffort && effort !== undefined && !["low", "medium", "high"].includes(effort)) {
        const detail = `reasoning_effort: Input should be 'low', 'medium' or 'high' (got ${JSON.stringify(effort)})`;
        return sendJson(res, 400, errorBody(detail, 400));
      }
      const empty = typeof behavior.empty === "function" ? behavior.empty(parsed) : behavior.empty;
      const text = empty ? "" : replyFor(parsed, behavior.reply, behavior.replyTokens);
      const output = outputFor(parsed, text, behavior);
      if (parsed?.stream === true && behavior.streamTokensPerSecond) {
        return streamCompletion(res, parsed, output, index, behavior.streamTokensPerSecond, record);
      }
      return sendJson(res, 200, completion(parsed, output, index));
    }
    sendJson(res, 404, errorBody(`no route ${req.method} ${path}`, 404));
  }

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen(wantedPort ?? 0);
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("fake LLM did not get a TCP port");
  const port = address.port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    async setBehavior(change) {
      const wasRefusing = behavior.down === "refuse";
      behavior = { ...behavior, ...change };
      const refusing = behavior.down === "refuse";
      if (closed || wasRefusing === refusing) return;
      if (refusing) await stopListening();
      else await listen(port);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (server.listening) await stopListening();
    },
  };
}

function pickLatency(latency: Behavior["latencyMs"]): number {
  if (typeof latency === "number") return latency;
  const [min, max] = latency;
  return min + Math.random() * (max - min);
}

function replyFor(body: RequestBody, reply: Behavior["reply"], fillerWords: number | null): string {
  if (typeof reply === "string") return reply;
  if (typeof reply === "function") return reply(body);
  const messages: Array<{ role: string; content: string }> = Array.isArray(body?.messages) ? body.messages : [];
  const lastUser = messages.findLast((m) => m.role === "user");
  const filler = fillerWords ? `${Array.from({ length: fillerWords }, (_, i) => `word${i + 1}`).join(" ")} ` : "";
  const mention = typeof body?.model === "string" ? /^mention:(\S+)$/.exec(body.model)?.[1] : undefined;
  // Only the first line of what it answers, so a long scene's replies do not grow without end.
  const answered = (lastUser?.content ?? "").split("\n").at(-1)?.slice(0, 200) ?? "";
  return mention ? `@${mention} ${filler}echo: ${answered}` : `${filler}echo: ${lastUser?.content ?? ""}`;
}

/** One token of output: part of the answer (`content`) or of the chain of thought. */
interface Piece {
  kind: "content" | "thought";
  text: string;
}
interface Output {
  format: ThinkingFormat | null;
  pieces: Piece[];
  finishReason: "stop" | "length";
}

const tokensOf = (text: string) => text.match(/\s*\S+/g) ?? [];

/** The tokens to send: the answer alone, or (a thinking model) thought then answer, cut at `max_tokens`. */
function outputFor(body: RequestBody, text: string, behavior: Behavior): Output {
  const answer = tokensOf(text).map((t): Piece => ({ kind: "content", text: t }));
  const format = behavior.thinking ?? formatFromModel(body?.model);
  if (!format) return { format, pieces: answer, finishReason: "stop" };
  const thought = Array.from(
    { length: behavior.thoughtTokens },
    (_, i): Piece => ({
      kind: format === "inline" ? "content" : "thought",
      text: `${i === 0 ? "" : " "}${THOUGHT_MARK}${i + 1}`,
    }),
  );
  const pieces =
    format === "inline"
      ? [
          { kind: "content" as const, text: "<thi" },
          { kind: "content" as const, text: "nk>\n" },
          ...thought,
          { kind: "content" as const, text: "\n</thi" },
          { kind: "content" as const, text: "nk>\n\n" },
          ...answer,
        ]
      : [...thought, ...answer];
  const budget = typeof body?.max_tokens === "number" ? body.max_tokens : Number.POSITIVE_INFINITY;
  if (pieces.length <= budget) return { format, pieces, finishReason: "stop" };
  return { format, pieces: pieces.slice(0, budget), finishReason: "length" };
}

function formatFromModel(model: unknown): ThinkingFormat | null {
  if (typeof model !== "string") return null;
  const match = /^fake-think-(inline|reasoning_content|reasoning)$/.exec(model);
  return (match?.[1] as ThinkingFormat | undefined) ?? null;
}

/** The delta one piece travels in, as the thinking format's servers send it. */
function deltaOf(piece: Piece, format: ThinkingFormat | null): object {
  if (piece.kind === "content") return { content: piece.text };
  return format === "reasoning" ? { content: "", reasoning: piece.text } : { reasoning_content: piece.text };
}

/** Sends the output as an OpenAI-style SSE stream, one token per chunk at `tokensPerSecond`. */
async function streamCompletion(
  res: ServerResponse,
  body: RequestBody,
  output: Output,
  index: number,
  tokensPerSecond: number,
  record: { firstTokenAt?: number; lastTokenAt?: number },
): Promise<void> {
  const id = `chatcmpl-fake-${index}`;
  const model = typeof body?.model === "string" ? body.model : "fake-model";
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const everyMs = 1000 / tokensPerSecond;
  const startedAt = Date.now();
  for (const [i, piece] of output.pieces.entries()) {
    // Paced against the start, so timer drift does not slow the stream down.
    const wait = startedAt + i * everyMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (res.destroyed) return;
    const delta = deltaOf(piece, output.format);
    res.write(chunk(i === 0 ? { role: "assistant", ...delta } : delta, null));
    record.lastTokenAt = Date.now();
    record.firstTokenAt ??= record.lastTokenAt;
  }
  if (res.destroyed) return;
  res.write(chunk({}, output.finishReason));
  res.end("data: [DONE]\n\n");
}

function completion(body: RequestBody, output: Output, index: number) {
  const promptWords = JSON.stringify(body?.messages ?? []).split(/\s+/).length;
  const content = output.pieces.flatMap((p) => (p.kind === "content" ? [p.text] : [])).join("");
  const thought = output.pieces.flatMap((p) => (p.kind === "thought" ? [p.text] : [])).join("");
  const reasoningField = output.format === "reasoning" ? "reasoning" : "reasoning_content";
  const message = { role: "assistant", content, ...(thought && { [reasoningField]: thought }) };
  return {
    id: `chatcmpl-fake-${index}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: typeof body?.model === "string" ? body.model : "fake-model",
    choices: [{ index: 0, message, finish_reason: output.finishReason }],
    usage: {
      prompt_tokens: promptWords,
      completion_tokens: output.pieces.length,
      total_tokens: promptWords + output.pieces.length,
    },
  };
}

function errorBody(message: string, status: number) {
  return { error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: status } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

async function runCli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "latency-ms": { type: "string" },
      "stream-tokens-per-second": { type: "string" },
      "reply-tokens": { type: "string" },
    },
    strict: true,
  });
  const fake = await startFakeLlm({
    port: values.port ? Number(values.port) : 0,
    latencyMs: values["latency-ms"] ? Number(values["latency-ms"]) : 0,
    streamTokensPerSecond: values["stream-tokens-per-second"] ? Number(values["stream-tokens-per-second"]) : null,
    replyTokens: values["reply-tokens"] ? Number(values["reply-tokens"]) : null,
  });
  console.log(fake.url);
  const shutdown = () => void fake.close().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolvePath(process.argv[1])).href) await runCli();
