import type { ErrorCode } from "../../types/errors.ts";
import { apiErrorBodySchema } from "../shared/wire.ts";
import type { paths } from "./api-paths.ts";

/**
 * The one HTTP client of the comments API, for every side that calls it: the chat page
 * (lib/chat/api.ts), the monitor (lib/monitor/monitor.ts, lib/moderation/moderation.ts) and the bot (bot/api-client.ts).
 * Paths, queries, bodies and success answers are typed by lib/client/api-paths.ts, generated from
 * the Worker's own route declarations (O8), so a call the server does not declare, or a body it
 * does not take, fails the type check. Here and only here are URLs built and error bodies read.
 *
 * Answers are still checked at run time, by the decoder each call passes: the chat page's zod-free
 * ones (lib/shared/wire.ts), zod's (types/) for the monitor and the bot. This file imports no zod and no
 * TypeScript-only syntax: the chat page bundles it and Node runs it by type stripping (the bot).
 */

/** The server's codes (types/errors.ts), `network` when nothing answered, `unknown` for an answer without one. */
export type ClientErrorCode = ErrorCode | "network" | "unknown";

/** Worth retrying with the same id: the network, the server, or a rate limit. Not a verdict on the request. */
const RETRYABLE = new Set<ClientErrorCode>(["network", "rate_limited", "internal", "unavailable"]);

/**
 * A failed API call. Callers branch on `code` (the server's, from types/errors.ts), or `network`
 * when the API was not reached, never on the HTTP status, which is kept only for messages.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ClientErrorCode;
  /** The HTTP status, or null when nothing answered. */
  readonly status: number | null;
  /** Seconds to wait before retrying (429, 503), when the server said. */
  readonly retryAfter: number | null;

  // Plain fields, not parameter properties: Node runs this file by type stripping.
  constructor(
    code: ClientErrorCode,
    message: string,
    details: { status?: number | null; retryAfter?: number | null } = {},
  ) {
    super(message);
    this.code = code;
    this.status = details.status ?? null;
    this.retryAfter = details.retryAfter ?? null;
  }

  /** A send may go again with the same id (the outbox, C4). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

// The bot's readings of a failure. Functions rather than getters, so the chat page, which uses
// none of them, does not ship them.

/** Codes on a lease call that mean the job is no longer ours: it expired and another worker holds or answered it. */
const LEASE_GONE = new Set<ClientErrorCode>(["lease_lost", "conflict", "already_answered", "not_found"]);
/** Worth repeating while a lease lasts: nothing answered, or the server failed (a rate limit is not). */
const TRANSIENT = new Set<ClientErrorCode>(["network", "internal", "unavailable"]);

/** The bot's lease is gone: its result must be discarded, not retried. */
export function leaseLost(error: unknown): error is ApiError {
  return error instanceof ApiError && LEASE_GONE.has(error.code);
}
/** The bot may repeat a lease call while the lease lasts. */
export function transient(error: unknown): error is ApiError {
  return error instanceof ApiError && TRANSIENT.has(error.code);
}
/** The token is missing or wrong: no retry can help. */
export function refusedToken(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.code === "unauthorized" || error.code === "forbidden");
}

/** Anything that checks an answer and returns it typed: a lib/shared/decode.ts schema or a zod one. */
export interface Decoder<T> {
  parse(value: unknown): T;
}

type Method = "GET" | "POST" | "PUT";
/** The paths that declare `method`. */
export type PathOf<M extends Method> = {
  [P in keyof paths]: paths[P][Lowercase<M>] extends undefined ? never : P;
}[keyof paths];
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][Lowercase<M>]>;
/** The declared query of an operation, without `room`, which the client adds. */
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Omit<NonNullable<Q>, "room"> : never;
type BodyOf<O> = O extends { requestBody: { content: { "application/json": infer B } } } ? B : never;
type Success = 200 | 201;
/** The declared success answer of an operation (200, or 201 for a creation). */
export type AnswerOf<O> = O extends { responses: infer R }
  ? { [S in keyof R & Success]: R[S] extends { content: { "application/json": infer A } } ? A : never }[keyof R &
      Success]
  : never;

/** `null` when the operation declares a 204 (nothing to answer, e.g. a long-poll that found nothing). */
type NoContentOf<O> = O extends { responses: infer R } ? (204 extends keyof R ? null : never) : never;

/** What one call says besides its path: query, body (when the route takes one) and how to send it. */
export type CallOptions<O> = {
  /** Ends the call (a timeout, a shutdown): it then fails as `network`. */
  signal?: AbortSignal;
} & ([BodyOf<O>] extends [never] ? { body?: never } : { body: BodyOf<O> }) &
  // A query with a required parameter must be given.
  (O extends { parameters: { query: object } } ? { query: QueryOf<O> } : { query?: QueryOf<O> });

export interface ClientOptions {
  /** The API's origin; "" is the page's own. */
  baseUrl?: string;
  /** `?room=` on every call; absent means the server's default room (and the routes that are not per room). */
  room?: string;
  fetch?: typeof fetch;
}

type QueryValue = string | number | boolean | null | undefined;
/** A call as `request` sees it, once the types have checked it. */
export type Sent = {
  query?: Record<string, QueryValue>;
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
};

/** A path and its query (absent values left out), then `room` when there is one: every call's URL. */
function url(path: string, query: Record<string, QueryValue> | undefined, room: string | undefined): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  if (room !== undefined) search.set("room", room);
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

/** The live socket's URL: `/api/live` with its query on the page's origin, as ws: or wss:. */
export function socketUrl(
  origin: string,
  query: QueryOf<Operation<"/api/live", "GET">>,
  room: string | undefined,
): string {
  const socket = new URL(url("/api/live", query, room), origin);
  socket.protocol = socket.protocol === "https:" ? "wss:" : "ws:";
  return socket.toString();
}

/** `type` and `u` of a filtered read: a channel other than ALL, and the people it is about. */
export function filterQuery(filter: {
  channel: "ALL" | "human" | "AI";
  users: readonly { username: string; color: string }[];
}): { type?: "human" | "AI"; u?: string } {
  return { type: filter.channel === "ALL" ? undefined : filter.channel, u: usersParam(filter.users) };
}

/** `u`: the people a read is about, `name:color+name:color`; none is no parameter. */
export function usersParam(users: readonly { username: string; color: string }[]): string | undefined {
  return users.length ? users.map((u) => `${u.username}:${u.color}`).join("+") : undefined;
}

/**
 * The calls, typed by the route declarations: a method and path the server declares, its query
 * and body, and a decoder of its success answer (`null`: the answer is not read). `Extra` is what
 * a subclass adds to every call (AuthorizedApi: a token). Each side names its calls in a subclass
 * (ChatApi, MonitorApi, ModerationApi, the bot's BotApi). Anonymous: what the chat page needs and
 * no more, since it ships this; the token, the cache mode and log-line messages are the
 * subclasses' (lib/client/authorized.ts, bot/api-client.ts).
 */
export class TypedApi<Extra extends object = object> {
  protected readonly options: ClientOptions;

  constructor(options: ClientOptions = {}) {
    this.options = options;
  }

  /** One call: a method and path the server declares, with its query and body, and its answer's decoder. */
  request<M extends Method, P extends PathOf<M>, T extends AnswerOf<Operation<P, M>>>(
    method: M,
    path: P,
    call: CallOptions<Operation<P, M>> & Extra,
    decode: Decoder<T> | null,
  ): Promise<T | NoContentOf<Operation<P, M>>>;
  async request(method: Method, path: string, call: Sent, decode: Decoder<unknown> | null): Promise<unknown> {
    const { baseUrl = "", room, fetch: fetchImpl = fetch } = this.options;
    const name = `${method} ${path}`;
    const headers = this.headers(call);
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      // Called as a plain function, never as a method of the options (a browser's fetch needs its window).
      response = await fetchImpl(baseUrl + url(path, call.query, room), {
        method,
        headers,
        // (No body: JSON.stringify(undefined) is undefined.)
        body: JSON.stringify(call.body),
        signal: call.signal,
      });
    } catch (error) {
      // Node's fetch says why in its cause (ECONNREFUSED); a browser's only "Failed to fetch".
      const text = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new ApiError("network", this.describe(name, null, "network", null, text));
    }
    const text = await response.text();
    // A 204 (a long-poll that found nothing) has no answer to decode.
    if (response.ok) return decode && response.status !== 204 ? decode.parse(JSON.parse(text)) : null;

    // The one place an error body is read. A proxy or an older server can answer without a code:
    // the only place a status number is looked at, a 5xx from anything is worth retrying, anything
    // else is a verdict.
    const { status } = response;
    const seconds = Number(response.headers.get("Retry-After"));
    let code: ClientErrorCode = status >= 500 ? "unavailable" : "unknown";
    let reason: string | null = null;
    try {
      const body = apiErrorBodySchema.safeParse(JSON.parse(text));
      if (body.success) {
        reason = body.data.error;
        code = body.data.code ?? code;
      }
    } catch {
      // Not JSON (a proxy's page): no reason.
    }
    throw new ApiError(code, this.describe(name, status, code, reason, text), {
      status,
      retryAfter: Number.isFinite(seconds) && seconds > 0 ? seconds : null,
    });
  }

  /** The headers of one call besides its content type: none here; AuthorizedApi adds the token. */
  protected headers(_call: Sent): Record<string, string> {
    return {};
  }

  /**
   * How a failure reads: the server's words alone (`reason`), which the page shows to a person.
   * `status` is null when nothing answered, and `text` then says why (ECONNREFUSED, a timeout);
   * otherwise `text` is the answer's body. The bot's log lines name the call instead.
   */
  protected describe(
    _call: string,
    status: number | null,
    _code: ClientErrorCode,
    reason: string | null,
    text: string,
  ): string {
    return status === null ? `Network error: ${text}` : (reason ?? `HTTP ${status}`);
  }
}
