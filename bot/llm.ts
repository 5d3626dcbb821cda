import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { createFetch } from "./http-fetch.ts";
import { type ChatRequest, type ChatResult, LlmError, type Responder } from "./responder.ts";

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
    async chat(request: ChatRequest, signal: AbortSignal, onText?: (soFar: string) => void): Promise<ChatResult> {
      try {
        const { data: stream, response } = await client.chat.completions
          .create(
            {
              model: request.model,
              messages: request.messages,
              stream: true,
              ...(request.temperature !== undefined && { temperature: request.temperature }),
              ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
              ...(request.topP !== undefined && { top_p: request.topP }),
            },
            { signal },
          )
          .withResponse();
        // Some servers (and proxies) ignore `stream: true` and answer one JSON completion: one chunk.
        if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
          return oneChunk((await response.json()) as ChatCompletion, onText);
        }
        let text = "";
        let chunks = 0;
        let usage: CompletionUsage | undefined;
        for await (const chunk of stream) {
          usage = chunk.usage ?? usage;
          const delta = chunk.choices[0]?.delta?.content;
          if (!delta) continue;
          text += delta;
          chunks++;
          onText?.(text);
        }
        // A cancelled body can end like a finished one: partial text must never pass as the reply.
        if (signal.aborted) throw new LlmError("aborted", "request cancelled");
        return {
          text,
          promptTokens: usage?.prompt_tokens,
          // Without usage (most servers send it only when asked), each content chunk is one token.
          completionTokens: usage?.completion_tokens ?? chunks,
        };
      } catch (error) {
        throw classifyLlmError(error);
      }
    },
  };
}

function oneChunk(completion: ChatCompletion, onText?: (soFar: string) => void): ChatResult {
  const text = completion.choices?.[0]?.message?.content ?? "";
  if (text) onText?.(text);
  return {
    text,
    promptTokens: completion.usage?.prompt_tokens,
    completionTokens: completion.usage?.completion_tokens,
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
