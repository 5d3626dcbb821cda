import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { z } from "zod";
import {
  type CommentsPage,
  commentsPageSchema,
  commentsQuerySchema,
  type Message,
  messageIdSchema,
  messageInputSchema,
  messagePatchSchema,
  messageSchema,
  publicMessage,
  statusQuerySchema,
  statusResponseSchema,
} from "../../types";
import type { AppEnv } from "../app-env";
import { requireBot, requireCaller } from "../auth";
import { config } from "../config";
import { clientAddress, roomStub } from "../context";
import { postFloodGuard } from "../flood-guard";
import { jsonBodyGate, unwrap } from "../http";
import { apiRouter, BOT, errors, json, jsonBody, query } from "../openapi";
import { postedDomain } from "../post-domain";
import { openAddressedIds, readSnapshot, SNAPSHOT_SIZE } from "../snapshot";
import { userFiltersParam } from "../user-filters";

export const comments = apiRouter();

/**
 * Admin and bot callers read messages whole; anyone else reads the public view: no lease holder,
 * and a failure's safe reason instead of its raw text (see types/public-view.ts). Applied to
 * every answer that carries messages, the KV snapshot's included, which is stored whole.
 */
function viewFor(c: Context<AppEnv>): (m: Message) => Message {
  return c.var.caller === "anonymous" ? publicMessage : (m) => m;
}

function pageFor(c: Context<AppEnv>, page: CommentsPage): CommentsPage {
  const view = viewFor(c);
  return { ...page, comments: page.comments.map(view) };
}

const readComments = createRoute({
  method: "get",
  path: "/api/comments",
  summary:
    "Messages: after a cursor (`cursor`), older history (`before`), the recent window (neither), or the legacy timestamp poll (`after`, a bare array, newest first)",
  request: { query: query(commentsQuerySchema) },
  responses: {
    200: json(
      z.union([commentsPageSchema, z.array(messageSchema)]),
      "a page ascending by seq, or (with `after`) an array. A page whose range reaches an archive segment " +
        "that is damaged or gone still answers 200 with everything else (hot messages, other segments) and " +
        "lists the unreadable seqs in `gaps` ([{fromSeq, toSeq, reason}]); a page without `gaps` is whole. " +
        "Only an R2 read that fails outright answers 503 `unavailable` (try again).",
    ),
    ...errors("unavailable"),
  },
});

comments.openapi(readComments, async (c) => {
  const q = c.req.valid("query");
  const stub = roomStub(c);
  const filter = { type: q.type, users: userFiltersParam(q.u) };

  if (q.limit === 0) {
    // "Where is the head?" (the old client probes `offset=0&limit=0` on every page load): nothing
    // but the cursor, read from the room's memory, so it costs no rows.
    if (q.after !== undefined) return c.json([], 200);
    const head = unwrap(c, await stub.head());
    return c.json({ comments: [], cursor: head, hasMore: head > (q.cursor ?? 0) } satisfies CommentsPage, 200);
  }
  if (q.after !== undefined) {
    // Legacy timestamp polling from the documented contract: a bare array, newest first. Its
    // clients know nothing of tombstones and need no cursor, so removed messages are left out.
    const since = unwrap(c, await stub.sinceTimestamp(q.after, q.limit, q.type));
    return c.json(since.filter((m) => !m.removed).map(viewFor(c)), 200);
  }
  if (q.cursor !== undefined) {
    return c.json(pageFor(c, unwrap(c, await stub.after(q.cursor, q.limit, filter, q.rev))), 200);
  }
  if (q.before !== undefined) return c.json(pageFor(c, unwrap(c, await stub.latest(q.limit, filter, q.before))), 200);

  const unfiltered = filter.type === "ALL" && filter.users.length === 0;
  if (!unfiltered || q.limit > SNAPSHOT_SIZE) {
    return c.json(pageFor(c, unwrap(c, await stub.latest(q.limit, filter, null))), 200);
  }
  return c.json(pageFor(c, await recentWindow(c, q.limit, q.cached === "1")), 200);
});

/**
 * The recent window: the KV snapshot plus whatever the room committed after the snapshot's seq.
 * A stale snapshot costs a few extra rows; a missing or corrupt one falls through to SQLite and
 * is rewritten by the room. Never a scan, never a lost message. The queue state of messages that
 * were open in the snapshot is read fresh, so `processed`/`status` are never behind the room.
 */
async function recentWindow(c: Context<AppEnv>, limit: number, cached: boolean): Promise<CommentsPage> {
  const stub = roomStub(c);
  const room = c.var.room;
  const snapshot = await readSnapshot(c.env.SNAPSHOTS, room);
  c.var.metrics.kvReads++;
  if (!snapshot) return unwrap(c, await stub.latestAndRepair(limit, 1));
  if (cached) {
    // KV alone: the client resumes (by socket or cursor poll) from the snapshot's seq and rev, so a
    // stale snapshot delays what came after it by one round trip and loses nothing; a removal
    // rewrites the snapshot at once (see Room.remove) and reaches the client as `updated`.
    const window = snapshot.comments.filter((m) => m.seq <= snapshot.seq).slice(-limit);
    return { comments: window, cursor: snapshot.seq, hasMore: (window[0]?.seq ?? 1) > 1, rev: snapshot.rev };
  }
  // The delta also carries every message changed in place after the snapshot's rev: a snapshot
  // written before a removal (or read stale from another location) still never shows its text.
  const delta = unwrap(
    c,
    await stub.afterSnapshot(snapshot.seq, SNAPSHOT_SIZE, 1, openAddressedIds(snapshot), snapshot.rev),
  );
  if (delta.hasMore) return unwrap(c, await stub.latest(limit, { type: "ALL", users: [] }, null));
  const current = new Map([...delta.refreshed, ...(delta.updated ?? [])].map((m) => [m.id, m]));
  const covered = snapshot.comments.filter((m) => m.seq <= snapshot.seq).map((m) => current.get(m.id) ?? m);
  const window = [...covered, ...delta.comments].slice(-limit);
  return { comments: window, cursor: delta.cursor, hasMore: (window[0]?.seq ?? 1) > 1, rev: delta.rev };
}

const messageStatus = createRoute({
  method: "get",
  path: "/api/comments/status",
  summary: "The current state (queue status) of a few messages by id",
  request: { query: query(statusQuerySchema) },
  responses: { 200: json(statusResponseSchema, "the messages that exist, by id"), ...errors("unavailable") },
});

comments.openapi(messageStatus, async (c) => {
  const { ids } = c.req.valid("query");
  return c.json({ comments: unwrap(c, await roomStub(c).byIds(ids)).map(viewFor(c)) }, 200);
});

const postMessage = createRoute({
  method: "post",
  path: "/api/comments",
  summary:
    "Post a message; an AI message or a reply (`replyTo`) needs the bot token. Idempotent by `id`: a taken `id` with other content is 409",
  // The flood guard first: a flood is turned away before its body is read or the Room called.
  middleware: [postFloodGuard, jsonBodyGate],
  request: { query: query(), body: jsonBody(messageInputSchema) },
  responses: {
    200: json(messageSchema, "a replay of an existing `id` with the same content: the stored message"),
    201: json(messageSchema, "the stored message"),
    ...errors(
      "unauthorized",
      "forbidden",
      "muted",
      "not_found",
      "conflict",
      "already_answered",
      "too_large",
      "unsupported_media_type",
      "unavailable",
    ),
  },
  security: [{}, ...BOT],
});

comments.openapi(postMessage, async (c) => {
  const input = c.req.valid("json");
  // Nobody speaks as an entity, or answers a queued message, without the bot token.
  if (input["message-type"] === "AI" || input.replyTo) requireCaller(c, "bot");
  // Rate-limited per client IP in the room (and, coarsely, across rooms by postFloodGuard); the bot
  // and admin tokens are exempt, a self-declared domain never is.
  const limit =
    c.var.caller === "anonymous" ? { client: clientAddress(c), perMinute: config(c.env).RATE_LIMIT_PER_MINUTE } : null;
  // The body's domain gives way to the host the post came from (F8: the filter trusts it).
  const domain = postedDomain(c.req.header("origin"), c.req.url);
  const result = await roomStub(c).post({ ...input, domain }, domain, limit, c.var.scope);
  // A replay of an existing id answers the message as it now stands, which may be claimed or failed.
  const message = viewFor(c)(unwrap(c, result));
  return result.ok && result.status === 201 ? c.json(message, 201) : c.json(message, 200);
});

const patchMessage = createRoute({
  method: "patch",
  path: "/api/comments/{id}",
  summary: "The documented update: mark an addressed message processed (bot token)",
  middleware: [requireBot, jsonBodyGate],
  request: { params: z.object({ id: messageIdSchema }), query: query(), body: jsonBody(messagePatchSchema) },
  responses: {
    200: json(messageSchema, "the message as it now stands"),
    ...errors(
      "unauthorized",
      "forbidden",
      "not_found",
      "conflict",
      "too_large",
      "unsupported_media_type",
      "unavailable",
    ),
  },
  security: BOT,
});

comments.openapi(patchMessage, async (c) => {
  const { id } = c.req.valid("param");
  const patch = c.req.valid("json");
  return c.json(unwrap(c, await roomStub(c).setProcessed(id, patch.botParams.processed, c.var.scope)), 200);
});
