import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { ChatCompletion, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { createFetch } from "./http-fetch.ts";
import { type ChatRequest, type ChatResult, LlmError, type OnText, type Responder } from "./responder.ts";

export interface LlmOptions {
  baseUrl: string;
  apiKey: string | null;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
}

/** A responder backed by an OpenAI-compatible server (LM Studio, Ollama, llama.cpp, vLLM, …). */
export function createLlmResponder(
  options: LlmOptions,
): Responder & { models(signal?: AbortSignal): Promise<string[]> } {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // Local servers ignore the key, but the client insists on one.
    apiKey: options.apiKey ?? "not-needed",
    timeout: options.requestTimeoutMs,
    // Retrying is the job loop's decision: it keeps the lease alive and backs off across jobs.
    maxRetries: 0,
    fetch: createFetch(options.connectTimeoutMs),
    logLevel: "off",
  });

  // Cleared the first time the server refuses `reasoning_effort: "none"` (see `chat`).
  let effortNoneAccepted = true;

  const models = async (signal?: AbortSignal): Promise<string[]> => {
    const page = await client.models.list({ signal });
    return page.data.map((m) => m.id);
  };

  return {
    label: options.baseUrl,
    models,
    async available(signal) {
      try {
        await models(signal);
        return true;
      } catch {
        return false;
      }
    },
    async chat(request: ChatRequest, signal: AbortSignal, onText?: OnText): Promise<ChatResult> {
      try {
        return await ask(request, signal, onText);
      } catch (error) {
        const failure = classifyLlmError(error);
        // vLLM takes reasoning_effort as low/medium/high only and answers 400 to "none": say it
        // once, then ask such a server without it (the template switch still turns thinking off).
        if (request.thinking === "off" && effortNoneAccepted && refusesEffortNone(failure)) {
          effortNoneAccepted = false;
          try {
            return await ask(request, signal, onText);
          } catch (retryError) {
            throw classifyLlmError(retryError);
          }
        }
        throw failure;
      }
    },
  };

  async function ask(request: ChatRequest, signal: AbortSignal, onText?: OnText): Promise<ChatResult> {
    const body = {
      model: request.model,
      messages: request.messages,
      stream: true,
      ...(request.temperature !== undefined && { temperature: request.temperature }),
      ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
      ...(request.topP !== undefined && { top_p: request.topP }),
      ...thinkingParams(request.thinking, effortNoneAccepted),
    } as ChatCompletionCreateParamsStreaming;
    const { data: stream, response } = await client.chat.completions.create(body, { signal }).withResponse();
    // Some servers (and proxies) ignore `stream: true` and answer one JSON completion: one chunk.
    if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      return oneChunk((await response.json()) as ChatCompletion, onText);
    }
    let text = "";
    let chunks = 0;
    let reasoned = false;
    let usage: CompletionUsage | undefined;
    let finishReason: string | undefined;
    for await (const chunk of stream) {
      usage = chunk.usage ?? usage;
      const choice = chunk.choices[0];
      finishReason = choice?.finish_reason ?? finishReason;
      const delta = choice?.delta as ReasoningDelta | undefined;
      // The chain of thought itself is dropped here: only that the model is thinking goes on.
      const thought = Boolean(delta?.reasoning || delta?.reasoning_content);
      const content = delta?.content;
      if (thought || content) chunks++;
      if (content) text += content;
      const startedThinking = thought && !reasoned;
      reasoned ||= thought;
      if (content || startedThinking) onText?.(text, reasoned);
    }
    // A cancelled body can end like a finished one: partial text must never pass as the reply.
    if (signal.aborted) throw new LlmError("aborted", "request cancelled");
    return {
      text,
      promptTokens: usage?.prompt_tokens,
      // Without usage (most servers send it only when asked), each chunk is one token.
      completionTokens: usage?.completion_tokens ?? chunks,
      finishReason,
    };
  }
}

/** Where servers put a thinking model's chain of thought: Ollama `reasoning`, vLLM and LM Studio `reasoning_content`. */
interface ReasoningDelta {
  content?: string | null;
  reasoning?: string | null;
  reasoning_content?: string | null;
}

/**
 * The request fields for an entity's `thinking` setting (bot/README.md says which server honours
 * what): `reasoning_effort` (Ollama, LM Studio, vLLM for gpt-oss; Ollama and LM Studio take
 * "none" for off) and the chat template's `enable_thinking` switch (vLLM, llama.cpp, SGLang for
 * Qwen3, GLM and the like). Nothing when unset: the server's default.
 */
export function thinkingParams(thinking: ChatRequest["thinking"], effortNoneAccepted = true): Record<string, unknown> {
  if (thinking === undefined) return {};
  if (thinking === "off") {
    return {
      ...(effortNoneAccepted && { reasoning_effort: "none" }),
      chat_template_kwargs: { enable_thinking: false },
    };
  }
  return { reasoning_effort: thinking, chat_template_kwargs: { enable_thinking: true } };
}

function refusesEffortNone(failure: LlmError): boolean {
  return failure.kind === "rejected" && /reasoning_effort/i.test(failure.message);
}

function oneChunk(completion: ChatCompletion, onText?: OnText): ChatResult {
  const choice = completion.choices?.[0];
  const message = choice?.message as ReasoningDelta | undefined;
  const text = message?.content ?? "";
  const reasoned = Boolean(message?.reasoning || message?.reasoning_content);
  if (text || reasoned) onText?.(text, reasoned);
  return {
    text,
    promptTokens: completion.usage?.prompt_tokens,
    completionTokens: completion.usage?.completion_tokens,
    finishReason: choice?.finish_reason ?? undefined,
  };
}

/** Sorts a failed request into outage / rejected / aborted (see LlmFailureKind). */
export function classifyLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof APIUserAbortError) return new LlmError("aborted", "request cancelled");
  if (error instanceof APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? ` (${(cause as { code?: string }).code ?? cause.message})` : "";
    const what =
      error instanceof APIConnectionTimeoutError
        ? "the LLM server did not answer in time"
        : "cannot reach the LLM server";
    return new LlmError("outage", `${what}${detail}`);
  }
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    const overloaded = status === 408 || status === 429 || status >= 500;
    return new LlmError(overloaded ? "outage" : "rejected", `LLM server answered ${status}: ${error.message}`, status);
  }
  return new LlmError("rejected", `LLM request failed: ${(error as Error)?.message ?? String(error)}`);
}
