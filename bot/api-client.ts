import type { z } from "zod";
import { commentsPageSchema } from "../types/api.ts";
import { apiErrorSchema, type ErrorCode } from "../types/errors.ts";
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

/** The server's codes (types/errors.ts), `network` when it was not reached, `unknown` for an answer without one. */
export type ClientErrorCode = ErrorCode | "network" | "unknown";

/** Codes on a lease call that mean the job is no longer ours: it expired and another worker holds or answered it. */
const LEASE_GONE = new Set<ClientErrorCode>(["lease_lost", "conflict", "already_answered", "not_found"]);
/** Codes worth retrying while the lease lasts: nothing answered, or the server failed. */
const TRANSIENT = new Set<ClientErrorCode>(["network", "internal", "unavailable"]);

/** A failed API call. Callers branch on `code`, never on the HTTP status (kept for the message). */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ClientErrorCode;
  /** The HTTP status, or null when nothing answered; for messages only. */
  readonly status: number | null;
  // Plain fields, not parameter properties: Node runs this file by type stripping.
  constructor(code: ClientErrorCode, message: string, status: number | null = null) {
    super(message);
    this.code = code;
    this.status = status;
  }
  get leaseLost(): boolean {
    return LEASE_GONE.has(this.code);
  }
  get transient(): boolean {
    return TRANSIENT.has(this.code);
  }
  get refusedToken(): boolean {
    return this.code === "unauthorized" || this.code === "forbidden";
  }
}

export interface ApiClientOptions {
  baseUrl: string;
  token: string;
  room: string;
  /** Bound on every call except the long-poll, which gets its wait on top. */
  callTimeoutMs?: number;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The queue and history routes of the comments API, typed by the shared zod contract. */
export function createApiClient(options: ApiClientOptions) {
  const callTimeoutMs = options.callTimeoutMs ?? 15_000;

  async function call<S extends z.ZodType>(
    method: "GET" | "POST",
    path: string,
    schema: S | null,
    init: { body?: unknown; query?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<z.infer<S> | null> {
    const url = new URL(`${options.baseUrl}${path}`);
    url.searchParams.set("room", options.room);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
    const timeout = AbortSignal.timeout(init.timeoutMs ?? callTimeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(init.body !== undefined && { "content-type": "application/json" }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ApiError("network", `${method} ${path}: API unreachable (${cause ?? (error as Error).message})`);
    }
    if (response.status === 204) return null;
    const text = await response.text();
    if (!response.ok) {
      let reason = text;
      // A proxy or an older server may answer without a code: a 5xx from anything is worth a retry.
      let code: ClientErrorCode = response.status >= 500 ? "unavailable" : "unknown";
      try {
        const body = apiErrorSchema.partial({ code: true }).safeParse(JSON.parse(text));
        if (body.success) {
          reason = body.data.error;
          code = body.data.code ?? code;
        }
      } catch {}
      throw new ApiError(code, `${method} ${path} → ${response.status} ${code}: ${reason}`, response.status);
    }
    if (!schema) return null;
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new ApiError("unknown", `${method} ${path}: unexpected response shape`, response.status);
    return parsed.data;
  }

  return {
    /** The most urgent pending message for `entities`, long-polling up to `wait` seconds; null if none. */
    async claimNext(request: ClaimNextRequest, signal?: AbortSignal): Promise<ClaimResponse | null> {
      return call("POST", "/api/queue/claim-next", claimResponseSchema, {
        body: request,
        signal,
        timeoutMs: (request.wait ?? 0) * 1000 + callTimeoutMs,
      });
    },
    async heartbeat(request: HeartbeatRequest, timeoutMs?: number): Promise<Lease> {
      const body = await call("POST", "/api/queue/heartbeat", heartbeatResponseSchema, { body: request, timeoutMs });
      return body!.lease;
    },
    /** The reply's text so far, shown to everyone watching as a draft (never stored); renews the lease. */
    async progress(request: ProgressRequest): Promise<Lease> {
      const body = await call("POST", "/api/queue/progress", progressResponseSchema, { body: request });
      return body!.lease;
    },
    /** Stores the reply (or, without one, completes silently); repeating it with the same lease is harmless. */
    async complete(request: CompleteRequest): Promise<Message | null> {
      const body = await call("POST", "/api/queue/complete", completeResponseSchema, { body: request });
      return body!.reply;
    },
    async fail(request: FailRequest): Promise<{ status: "pending" | "failed"; attempts: number }> {
      const body = await call("POST", "/api/queue/fail", failResponseSchema, { body: request });
      return { status: body!.status, attempts: body!.attempts };
    },
    async release(request: ReleaseRequest): Promise<void> {
      await call("POST", "/api/queue/release", null, { body: request });
    },
    /** The latest `limit` messages of these people before `beforeSeq`, ascending. */
    /** The history an entity's scope names for one job (E9), oldest first, ending with the message. */
    async context(messageId: string, scope: ContextScope, limit: number, entity: string): Promise<Message[]> {
      const page = await call("GET", "/api/queue/context", contextResponseSchema, {
        query: { messageId, scope, limit: String(limit), entity },
      });
      return page!.messages.filter((m) => !m.removed);
    },

    async conversation(people: Identity[], beforeSeq: number, limit: number): Promise<Message[]> {
      const u = people.map((p) => `${p.username}:${p.color}`).join("+");
      const page = await call("GET", "/api/comments", commentsPageSchema, {
        query: { u, before: String(beforeSeq), limit: String(limit) },
      });
      // A moderator's tombstone has no text and must never become a turn of the conversation.
      return page!.comments.filter((m) => !m.removed);
    },
  };
}
