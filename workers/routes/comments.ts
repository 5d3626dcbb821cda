import { type Context, Hono } from "hono";
import {
  type CommentsPage,
  commentsQuerySchema,
  messageIdSchema,
  messageInputSchema,
  messagePatchSchema,
  parseUserFilters,
  statusQuerySchema,
} from "../../types";
import type { AppEnv } from "../app-env";
import { requireCaller } from "../auth";
import { clientAddress, roomStub } from "../context";
import { HttpError } from "../errors";
import { readJson, readQuery, unwrap } from "../http";
import { openAddressedIds, readSnapshot, SNAPSHOT_SIZE } from "../snapshot";

export const comments = new Hono<AppEnv>();

comments.get("/api/comments", async (c) => {
  const q = readQuery(c, commentsQuerySchema);
  const stub = roomStub(c);
  const room = c.var.room;
  const filter = { type: q.type, users: parseUserFilters(q.u) };

  if (q.limit === 0) {
    // "Where is the head?" (the old client probes `offset=0&limit=0` on every page load): nothing
    // but the cursor, read from the room's memory, so it costs no rows.
    if (q.after !== undefined) return c.json([]);
    const head = unwrap(c, await stub.head(room));
    return c.json({ comments: [], cursor: head, hasMore: head > (q.cursor ?? 0) } satisfies CommentsPage);
  }
  if (q.after !== undefined) {
    // Legacy timestamp polling from the documented contract: a bare array, newest first. Its
    // clients know nothing of tombstones and need no cursor, so removed messages are left out.
    const since = unwrap(c, await stub.sinceTimestamp(room, q.after, q.limit, q.type));
    return c.json(since.filter((m) => !m.removed));
  }
  if (q.cursor !== undefined) return c.json(unwrap(c, await stub.after(room, q.cursor, q.limit, filter, q.rev)));
  if (q.before !== undefined) return c.json(unwrap(c, await stub.latest(room, q.limit, filter, q.before)));

  const unfiltered = filter.type === "ALL" && filter.users.length === 0;
  if (!unfiltered || q.limit > SNAPSHOT_SIZE) return c.json(unwrap(c, await stub.latest(room, q.limit, filter, null)));
  return c.json(await recentWindow(c, q.limit, q.cached === "1"));
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
  if (!snapshot) return unwrap(c, await stub.latestAndRepair(room, limit, 1));
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
    await stub.afterSnapshot(room, snapshot.seq, SNAPSHOT_SIZE, 1, openAddressedIds(snapshot), snapshot.rev),
  );
  if (delta.hasMore) return unwrap(c, await stub.latest(room, limit, { type: "ALL", users: [] }, null));
  const current = new Map([...delta.refreshed, ...(delta.updated ?? [])].map((m) => [m.id, m]));
  const covered = snapshot.comments.filter((m) => m.seq <= snapshot.seq).map((m) => current.get(m.id) ?? m);
  const window = [...covered, ...delta.comments].slice(-limit);
  return { comments: window, cursor: delta.cursor, hasMore: (window[0]?.seq ?? 1) > 1, rev: delta.rev };
}

comments.get("/api/comments/status", async (c) => {
  const { ids } = readQuery(c, statusQuerySchema);
  return c.json({ comments: unwrap(c, await roomStub(c).byIds(c.var.room, ids)) });
});

comments.post("/api/comments", async (c) => {
  const input = await readJson(c, messageInputSchema);
  // Nobody speaks as an entity, or answers a queued message, without the bot token.
  if (input["message-type"] === "AI" || input.replyTo) requireCaller(c, "bot");
  // Rate-limited per client IP; the bot and admin tokens are exempt, a self-declared domain never is.
  const limit =
    c.var.caller === "anonymous"
      ? { client: clientAddress(c), perMinute: Number(c.env.RATE_LIMIT_PER_MINUTE) || 30 }
      : null;
  const result = await roomStub(c).post(c.var.room, input, new URL(c.req.url).hostname, limit, c.var.scope);
  const message = unwrap(c, result);
  return c.json(message, result.ok && result.status === 201 ? 201 : 200);
});

comments.patch("/api/comments/:id", async (c) => {
  requireCaller(c, "bot");
  const id = messageIdSchema.safeParse(c.req.param("id"));
  if (!id.success) throw new HttpError("invalid_input", "Invalid message id", id.error.issues);
  const patch = await readJson(c, messagePatchSchema);
  return c.json(unwrap(c, await roomStub(c).setProcessed(c.var.room, id.data, patch.botParams.processed, c.var.scope)));
});
