import { AuthorizedApi } from "../lib/client/authorized.ts";
import { type ClientErrorCode, usersParam } from "../lib/client/core.ts";
import { commentsPageSchema } from "../types/api.ts";
import type { Message } from "../types/message.ts";
import {
  type ClaimNextRequest,
  type ClaimResponse,
  type CompleteRequest,
  type ContextScope,
  claimResponseSchema,
  completeResponseSchema,
  contextResponseSchema,
  type FailRequest,
  failResponseSchema,
  type HeartbeatRequest,
  heartbeatResponseSchema,
  type Lease,
  type ProgressRequest,
  progressResponseSchema,
  type ReleaseRequest,
} from "../types/queue.ts";
import type { Identity } from "./identity.ts";

export { ApiError, leaseLost, refusedToken, transient } from "../lib/client/core.ts";

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
  room: string;
  /** Bound on every call except the long-poll, which gets its wait on top. */
  callTimeoutMs?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The client core with messages for a log line: which call failed, and what came back. */
class BotApi extends AuthorizedApi {
  protected override describe(
    call: string,
    status: number | null,
    code: ClientErrorCode,
    reason: string | null,
    text: string,
  ): string {
    return status === null ? `${call}: API unreachable (${text})` : `${call} → ${status} ${code}: ${reason ?? text}`;
  }
}

/** The queue and history routes of the comments API, answers checked by the shared zod contract. */
export function createApiClient(options: ApiClientOptions) {
  const callTimeoutMs = options.callTimeoutMs ?? 15_000;
  const api = new BotApi({ baseUrl: options.baseUrl, room: options.room, token: options.token });
  /** Every call is bounded (a timeout fails it as `network`), besides any signal of the caller's. */
  const bounded = (timeoutMs = callTimeoutMs, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  };

  return {
    /** The most urgent pending message for `entities`, long-polling up to `wait` seconds; null if none. */
    claimNext(request: ClaimNextRequest, signal?: AbortSignal): Promise<ClaimResponse | null> {
      // 204 when nothing came within the wait.
      const signals = bounded((request.wait ?? 0) * 1000 + callTimeoutMs, signal);
      return api.request("POST", "/api/queue/claim-next", { body: request, signal: signals }, claimResponseSchema);
    },
    async heartbeat(request: HeartbeatRequest, timeoutMs?: number): Promise<Lease> {
      return (
        await api.request(
          "POST",
          "/api/queue/heartbeat",
          { body: request, signal: bounded(timeoutMs) },
          heartbeatResponseSchema,
        )
      ).lease;
    },
    /** The reply's text so far, shown to everyone watching as a draft (never stored); renews the lease. */
    async progress(request: ProgressRequest): Promise<Lease> {
      return (
        await api.request("POST", "/api/queue/progress", { body: request, signal: bounded() }, progressResponseSchema)
      ).lease;
    },
    /** Stores the reply (or, without one, completes silently); repeating it with the same lease is harmless. */
    async complete(request: CompleteRequest): Promise<Message | null> {
      return (
        await api.request("POST", "/api/queue/complete", { body: request, signal: bounded() }, completeResponseSchema)
      ).reply;
    },
    async fail(request: FailRequest): Promise<{ status: "pending" | "failed"; attempts: number }> {
      const body = await api.request(
        "POST",
        "/api/queue/fail",
        { body: request, signal: bounded() },
        failResponseSchema,
      );
      return { status: body.status, attempts: body.attempts };
    },
    async release(request: ReleaseRequest): Promise<void> {
      await api.request("POST", "/api/queue/release", { body: request, signal: bounded() }, null);
    },
    /** The history an entity's scope names for one job (E9), oldest first, ending with the message. */
    async context(messageId: string, scope: ContextScope, limit: number, entity: string): Promise<Message[]> {
      const page = await api.request(
        "GET",
        "/api/queue/context",
        { query: { messageId, scope, limit, entity }, signal: bounded() },
        contextResponseSchema,
      );
      return page.messages.filter((m) => !m.removed);
    },

    /** The latest `limit` messages of these people before `beforeSeq`, ascending. */
    async conversation(people: Identity[], beforeSeq: number, limit: number): Promise<Message[]> {
      const page = await api.request(
        "GET",
        "/api/comments",
        { query: { u: usersParam(people), before: beforeSeq, limit }, signal: bounded() },
        commentsPageSchema,
      );
      // A moderator's tombstone has no text and must never become a turn of the conversation.
      return page.comments.filter((m) => !m.removed);
    },
  };
}
