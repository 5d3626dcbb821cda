import type { Entity } from "./config/entities.ts";
import type { ChatTurn } from "./prompt.ts";

export interface ChatRequest {
  model: string;
  messages: ChatTurn[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  thinking?: Entity["thinking"];
}

export interface ChatResult {
  /** The `content` the model generated; inline `<think>` blocks are still in it (bot/thinking.ts reads them out). */
  text: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Why generation stopped, as the server said (`stop`, `length`, …); `length`: cut at the token limit. */
  finishReason?: string;
}

/**
 * Hears the whole `content` generated so far each time it grows, and whether the server has sent
 * any reasoning (its chain of thought, which is never passed on: only that it happens).
 */
export type OnText = (soFar: string, reasoned: boolean) => void;

/** Something that answers chat requests: an OpenAI-compatible server, or the built-in demo. */
export interface Responder {
  /** Where replies come from, for logs: a base URL, or "demo". */
  readonly label: string;
  /**
   * Answers one request. `onText`, when given, hears the whole text generated so far each time it
   * grows or the model reasons (a server that does not stream calls it once, with everything).
   */
  chat(request: ChatRequest, signal: AbortSignal, onText?: OnText): Promise<ChatResult>;
  /** Whether the server answers right now (its `/models`). */
  available(signal?: AbortSignal): Promise<boolean>;
}

/**
 * Why a chat request failed, in the terms the job loop acts on:
 * - `outage`: the server is unreachable or overloaded (refused, reset, timeout, 429, 5xx), so nothing
 *   is wrong with the message: keep the lease, back off, try again;
 * - `rejected`: the server refused this request (another 4xx), so fail the message (attempt counted);
 * - `aborted`: we cancelled it (lease lost or shutting down).
 */
export type LlmFailureKind = "outage" | "rejected" | "aborted";

export class LlmError extends Error {
  override name = "LlmError";
  readonly kind: LlmFailureKind;
  readonly status: number | undefined;
  constructor(kind: LlmFailureKind, message: string, status?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
  }
}

/** A responder whose backing server can be swapped while jobs run (demo → a server that appeared). */
export function switchableResponder(initial: Responder): Responder & { use(next: Responder): void } {
  let current = initial;
  return {
    get label() {
      return current.label;
    },
    chat: (request, signal, onText) => current.chat(request, signal, onText),
    available: (signal) => current.available(signal),
    use(next) {
      current = next;
    },
  };
}
