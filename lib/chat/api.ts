import type { CommentsPage, EntitySeen, Message, MessageInput } from "../../types";
import { filterQuery, TypedApi } from "../client/core";
import { commentsPageSchema, entitiesResponseSchema, messageSchema, statusResponseSchema } from "../shared/wire";
import type { ServerQuery } from "./filters";

export const PAGE_SIZE = 200;
export const OLDER_PAGE_SIZE = 200;

/**
 * The chat page's calls, on the page's own origin (`room` absent: the global room); answers
 * checked by lib/shared/wire.ts (no zod).
 */
export class ChatApi extends TypedApi {
  /**
   * The recent window, or the conversation's latest history when the query filters. `cached=1`:
   * the page always resumes from the cursor it gets, so the window may come from KV alone.
   */
  recent(query: ServerQuery, limit = PAGE_SIZE): Promise<CommentsPage> {
    return this.request(
      "GET",
      "/api/comments",
      { query: { limit, cached: "1", ...filterQuery(query) } },
      commentsPageSchema,
    );
  }

  /**
   * Everything after `cursor`, unfiltered: the page filters locally so toggles need no refetch.
   * With `rev`, also the messages changed in place since then (a moderator's removal or restore).
   */
  after(cursor: number, rev?: number, limit = PAGE_SIZE): Promise<CommentsPage> {
    return this.request("GET", "/api/comments", { query: { cursor, rev, limit } }, commentsPageSchema);
  }

  /** Older history before `seq` (C3), filtered like the first load. */
  before(seq: number, query: ServerQuery, limit = OLDER_PAGE_SIZE): Promise<CommentsPage> {
    return this.request(
      "GET",
      "/api/comments",
      { query: { before: seq, limit, ...filterQuery(query) } },
      commentsPageSchema,
    );
  }

  async status(ids: readonly string[]): Promise<Message[]> {
    const body = await this.request(
      "GET",
      "/api/comments/status",
      { query: { ids: ids.join(",") } },
      statusResponseSchema,
    );
    return body.comments;
  }

  async entities(): Promise<EntitySeen[]> {
    return (await this.request("GET", "/api/entities", {}, entitiesResponseSchema)).entities;
  }

  post(input: MessageInput): Promise<Message> {
    return this.request("POST", "/api/comments", { body: input }, messageSchema);
  }
}
