import type { Entity } from "./config/entities.ts";
import type { BotConfig } from "./config/options.ts";
import { createDemoResponder, HOW_TO_CONNECT } from "./demo.ts";
import { createLlmResponder } from "./llm.ts";
import type { Logger } from "./log.ts";
import { type Responder, switchableResponder } from "./responder.ts";

/** Where local OpenAI-compatible servers listen by default: LM Studio, Ollama, llama.cpp. */
export const LOCAL_SERVERS = ["http://127.0.0.1:1234/v1", "http://127.0.0.1:11434/v1", "http://127.0.0.1:8080/v1"];

export interface FoundServer {
  url: string;
  models: string[];
}

/** The configured URL first, then the usual local servers, without repeats. */
export function probeCandidates(configured: string | null): string[] {
  return [...new Set([...(configured ? [configured] : []), ...LOCAL_SERVERS])];
}

/**
 * Asks every candidate's `/models` at once (quick timeouts, so start-up stays fast) and returns the
 * first candidate, in order, that answered.
 */
export async function findLlmServer(
  candidates: string[],
  timeouts: { connectMs: number; totalMs: number } = { connectMs: 1_000, totalMs: 3_000 },
): Promise<FoundServer | null> {
  const answers = await Promise.all(
    candidates.map(async (url) => {
      const responder = createLlmResponder({
        baseUrl: url,
        apiKey: null,
        requestTimeoutMs: timeouts.totalMs,
        connectTimeoutMs: timeouts.connectMs,
      });
      try {
        return { url, models: await responder.models(AbortSignal.timeout(timeouts.totalMs)) };
      } catch {
        return null;
      }
    }),
  );
  return answers.find((a) => a !== null) ?? null;
}

export interface ResponderChoice {
  responder: Responder;
  /** Stops looking for a server that may appear later. */
  close(): void;
}

/**
 * Picks where replies come from at start-up: `--demo` forces the demo; otherwise the first server
 * that answers (configured, then local defaults); otherwise the demo, said plainly, while the bot
 * keeps looking every `reprobeMs` and switches to a server as soon as one answers.
 */
export async function chooseResponder(
  config: Pick<BotConfig, "demo" | "noDemo" | "llmUrl" | "llmKey" | "requestTimeoutMs" | "connectTimeoutMs">,
  entities: Entity[],
  log: Logger,
  reprobeMs = 30_000,
): Promise<ResponderChoice> {
  const demo = createDemoResponder();
  if (config.demo) {
    log.info("llm", "--demo: serving replies from the built-in demo responder (no LLM server is used)");
    return { responder: demo, close: () => {} };
  }
  const candidates = probeCandidates(config.llmUrl);
  const connect = (found: FoundServer) => {
    log.info("llm", `using the LLM server at ${found.url}`, { models: found.models.slice(0, 20).join(",") });
    warnAboutMissingModels(found, entities, log);
    return createLlmResponder({
      baseUrl: found.url,
      apiKey: found.url === config.llmUrl ? config.llmKey : null,
      requestTimeoutMs: config.requestTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
    });
  };

  const found = await findLlmServer(candidates);
  if (found) return { responder: connect(found), close: () => {} };
  if (config.noDemo && config.llmUrl) {
    // A production bot must not answer real people with demo text: treat the silence as an outage
    // (the bot holds off claiming while the server cannot answer, and resumes when it does).
    log.warn("llm", `No LLM server answered at ${config.llmUrl}; --no-demo: waiting for it, no demo replies`);
    return { responder: connect({ url: config.llmUrl, models: [] }), close: () => {} };
  }

  log.warn(
    "llm",
    `No LLM server answered at ${candidates.join(", ")}. Serving replies from the built-in demo responder: ` +
      `every reply says it is a demo. ${HOW_TO_CONNECT}`,
  );
  const switchable = switchableResponder(demo);
  const timer = setInterval(async () => {
    const appeared = await findLlmServer(candidates);
    if (!appeared || switchable.label !== "demo") return;
    clearInterval(timer);
    switchable.use(connect(appeared));
  }, reprobeMs);
  timer.unref();
  return { responder: switchable, close: () => clearInterval(timer) };
}

function warnAboutMissingModels(found: FoundServer, entities: Entity[], log: Logger): void {
  if (found.models.length === 0) return;
  for (const entity of entities.filter((e) => e.enabled && !found.models.includes(e.model))) {
    log.warn(
      "llm",
      `entity "${entity.id}" asks for model "${entity.model}", which ${found.url} does not list ` +
        `(it has: ${found.models.slice(0, 10).join(", ")}); requests may fail until it is available`,
    );
  }
}
