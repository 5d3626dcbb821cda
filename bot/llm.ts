import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
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
    async chat(request: ChatRequest, signal: AbortSignal): Promise<ChatResult> {
      try {
        const completion = await client.chat.completions.create(
          {
            model: request.model,
            messages: request.messages,
            stream: false,
            ...(request.temperature !== undefined && { temperature: request.temperature }),
            ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
            ...(request.topP !== undefined && { top_p: request.topP }),
          },
          { signal },
        );
        return {
          text: completion.choices[0]?.message?.content ?? "",
          promptTokens: completion.usage?.prompt_tokens,
          completionTokens: completion.usage?.completion_tokens,
        };
      } catch (error) {
        throw classifyLlmError(error);
      }
    },
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
