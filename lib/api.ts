import type { CommentsPage, EntitySeen, ErrorCode, Message, MessageInput } from "../types";
import type { Schema } from "./decode";
import type { ServerQuery } from "./filters";
import {
  apiErrorBodySchema,
  commentsPageSchema,
  entitiesResponseSchema,
  messageSchema,
  statusResponseSchema,
} from "./wire";

/** The server's error codes plus what only a client sees: no answer, or an answer without a code. */
export type ClientErrorCode = ErrorCode | "network" | "unknown";

/**
 * A proxy or an older server can answer an error without a code. The only place this side looks
 * at a status number: a 5xx from anything is worth retrying, anything else is a verdict.
 */
function codeOfUncodedAnswer(status: number): ClientErrorCode {
  return status >= 500 ? "unavailable" : "unknown";
}

/** Typed calls to the comments Worker on the page's own origin. */

/**
 * A failed API call. Callers branch on `code` (the server's, from types/errors.ts), or `network`
 * when the API was not reached, never on the HTTP status, which is kept only for messages.
 */
export class ApiError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status, or null when nothing answered. */
  readonly status: number | null;
  /** Seconds to wait before retrying (429), when the server said. */
  readonly retryAfter: number | null;
  readonly issues: unknown[] | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    details: { status?: number | null; retryAfter?: number | null; issues?: unknown[] } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.status = details.status ?? null;
    this.retryAfter = details.retryAfter ?? null;
    this.issues = details.issues;
  }

  /** Worth retrying with the same id: the network, the server, or a rate limit. Not a verdict on the request. */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

const RETRYABLE = new Set<ClientErrorCode>(["network", "rate_limited", "internal", "unavailable"]);

export interface ApiOptions {
  /** `?room=` (each room is its own conversation space); absent means the global room. */
  room?: string;
  baseUrl?: string;
  fetchImpl?: typeof fetch;
}

export const PAGE_SIZE = 200;
export const OLDER_PAGE_SIZE = 200;

export class ChatApi {
  private readonly room: string | undefined;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiOptions = {}) {
    this.room = options.room;
    this.baseUrl = options.baseUrl ?? "";
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  }

  /**
   * The recent window, or the conversation's latest history when the query filters. `cached=1`:
   * the page always resumes from the cursor it gets, so the window may come from KV alone.
   */
  recent(query: ServerQuery, limit = PAGE_SIZE): Promise<CommentsPage> {
    return this.get("/api/comments", { limit, cached: "1", ...filterParams(query) }, commentsPageSchema);
  }

  /**
   * Everything after `cursor`, unfiltered: the page filters locally so toggles need no refetch.
   * With `rev`, also the messages changed in place since then (a moderator's removal or restore).
   */
  after(cursor: number, rev?: number, limit = PAGE_SIZE): Promise<CommentsPage> {
    return this.get("/api/comments", { cursor, rev, limit }, commentsPageSchema);
  }

  /** Older history before `seq` (C3), filtered like the first load. */
  before(seq: number, query: ServerQuery, limit = OLDER_PAGE_SIZE): Promise<CommentsPage> {
    return this.get("/api/comments", { before: seq, limit, ...filterParams(query) }, commentsPageSchema);
  }

  async status(ids: readonly string[]): Promise<Message[]> {
    const body = await this.get("/api/comments/status", { ids: ids.join(",") }, statusResponseSchema);
    return body.comments;
  }

  async entities(): Promise<EntitySeen[]> {
    return (await this.get("/api/entities", {}, entitiesResponseSchema)).entities;
  }

  async post(input: MessageInput): Promise<Message> {
    const response = await this.request(this.url("/api/comments", {}), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(input),
    });
    return messageSchema.parse(await response.json());
  }

  private async get<T>(
    path: string,
    params: Record<string, string | number | undefined>,
    schema: Schema<T>,
  ): Promise<T> {
    const response = await this.request(this.url(path, params), { headers: { Accept: "application/json" } });
    return schema.parse(await response.json());
  }

  private url(path: string, params: Record<string, string | number | undefined>): string {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
    if (this.room) search.set("room", this.room);
    const query = search.toString();
    return `${this.baseUrl}${path}${query ? `?${query}` : ""}`;
  }

  private request(url: string, init: RequestInit): Promise<Response> {
    return requestOk(this.fetchImpl, url, init);
  }
}

/**
 * Fetches and returns the response when it is 2xx; otherwise throws an ApiError carrying the
 * server's `{error, issues}` and Retry-After (status 0 for a network failure).
 */
export async function requestOk(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    throw new ApiError("network", `Network error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.ok) return response;
  const retryAfterHeader = Number(response.headers.get("Retry-After"));
  const retryAfter = Number.isFinite(retryAfterHeader) && retryAfterHeader > 0 ? retryAfterHeader : null;
  let message = `HTTP ${response.status}`;
  let issues: unknown[] | undefined;
  let code: ClientErrorCode = codeOfUncodedAnswer(response.status);
  try {
    // A proxy or an older server may answer without a code: keep its words anyway.
    const body = apiErrorBodySchema.safeParse(await response.json());
    if (body.success) {
      message = body.data.error;
      issues = body.data.issues;
      code = body.data.code ?? code;
    }
  } catch {
    // A body that is not JSON (a proxy's error page) keeps the status as the message.
  }
  throw new ApiError(code, message, { status: response.status, retryAfter, issues });
}

function filterParams(query: ServerQuery): Record<string, string | undefined> {
  return {
    type: query.channel === "ALL" ? undefined : query.channel,
    u: query.users.length ? query.users.map((u) => `${u.username}:${u.color}`).join("+") : undefined,
  };
}
