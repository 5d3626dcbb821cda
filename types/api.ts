import { z } from "zod";
import { archiveStatsSchema } from "./archive.ts";
import { LIMITS, messageIdSchema, messageSchema, messageTypeSchema } from "./message.ts";
import { seriesSchema } from "./series.ts";

const intParam = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Query of `GET /api/comments`. */
export const commentsQuerySchema = z.object({
  cursor: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
  before: intParam(1, Number.MAX_SAFE_INTEGER).optional(),
  after: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
  /** 0 asks only "where is the head?": an empty page carrying the current cursor. */
  limit: intParam(0, LIMITS.pageMax).default(LIMITS.pageDefault),
  type: z.enum(["human", "AI", "ALL"]).default("ALL"),
  /** `name:color+name:color` (a `+` may arrive decoded as a space). */
  u: z.string().max(2000).optional(),
  /**
   * `cached=1`: "I resume from the cursor you give me" — the recent window may then come from the
   * KV snapshot alone, without calling the room. Clients that never resume (the predecessor's bot
   * reads `processed` from this window) leave it out and get the window merged with the room.
   */
  cached: z.literal("1").optional(),
  /** With `cursor`: also answer the messages changed in place (removed, restored) after this rev. */
  rev: intParam(0, Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * Seqs a page should have held but could not read: their archive segment in R2 is damaged or gone.
 * Every seq from `fromSeq` to `toSeq` (inclusive) is missing; the rest of the page, the hot
 * messages and the other segments, is whole. A client that knows no `gaps` sees a shorter page.
 */
export const historyGapSchema = z.object({
  fromSeq: z.number().int().positive(),
  toSeq: z.number().int().positive(),
  /** `corrupt`: the segment's bytes do not decode to what was archived; `missing`: its object is gone. */
  reason: z.enum(["corrupt", "missing"]),
});
export type HistoryGap = z.infer<typeof historyGapSchema>;

export const commentsPageSchema = z.object({
  comments: z.array(messageSchema),
  cursor: z.number().int(),
  hasMore: z.boolean(),
  /** The room's change revision this page reflects; poll with `&rev=` to learn of later in-place changes. */
  rev: z.number().int().optional(),
  /** Messages changed in place since the `rev` asked for (tombstones, restores): replace by id. */
  updated: z.array(messageSchema).optional(),
  /** Present only when part of this page's range is unreadable (historyGapSchema), ascending by seq. */
  gaps: z
    .array(historyGapSchema)
    .optional()
    .describe(
      "Seqs in this page's range that could not be read (damaged or missing archive segment); absent when whole",
    ),
});
export type CommentsPage = z.infer<typeof commentsPageSchema>;

/** `GET /api/comments/status?ids=a,b`: the current state of a few messages (queue status). */
export const statusQuerySchema = z.object({
  ids: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(messageIdSchema).min(1).max(100)),
});
export const statusResponseSchema = z.object({ comments: z.array(messageSchema) });

export const userFilterSchema = z.object({ username: z.string(), color: z.string() });
export type UserFilter = z.infer<typeof userFilterSchema>;

/**
 * Parses `name:color+name:color`. A pair ends only where a valid color is followed by `+` (or the
 * space a decoded `+` becomes) or the end, so names containing `+` or `:` still match themselves.
 * Each pair comes out once (see distinctUserFilters); how many a read may name is the caller's rule.
 */
export function parseUserFilters(raw: string | undefined): UserFilter[] {
  const filters: UserFilter[] = [];
  const pair = /(.+?):(\d{9}(?:-[A-Za-z0-9]{10})?)(?:[+ ]|$)/y;
  for (let match = pair.exec(raw ?? ""); match; match = pair.exec(raw ?? "")) {
    filters.push({ username: match[1] ?? "", color: match[2] ?? "" });
  }
  return distinctUserFilters(filters);
}

/**
 * Each user pair once, in first-seen order. A repeated pair selects nothing more, so it must not
 * cost more: every read runs one indexed scan per pair, and 142 copies of one pair were 142 scans.
 */
export function distinctUserFilters(users: readonly UserFilter[]): UserFilter[] {
  const seen = new Map<string, UserFilter>();
  for (const u of users) {
    const key = JSON.stringify([u.username, u.color]);
    if (!seen.has(key)) seen.set(key, { username: u.username, color: u.color });
  }
  return [...seen.values()];
}

export { PRESENCE } from "./constants.ts";

export const entitySeenSchema = z.object({
  id: z.string(),
  lastPolledAt: z.number().int(),
  /** The identity its replies use, when the serving bot told us (E5). */
  username: z.string().optional(),
  color: z.string().optional(),
});
export const entitiesResponseSchema = z.object({ entities: z.array(entitySeenSchema) });
export type EntitySeen = z.infer<typeof entitySeenSchema>;

const statusCounts = z.object({
  pending: z.number().int(),
  processing: z.number().int(),
  complete: z.number().int(),
  failed: z.number().int(),
});

/** `/api/stats` for everyone: aggregate counts only. */
export const publicStatsSchema = z.object({
  room: z.string(),
  messages: z.object({ total: z.number().int(), human: z.number().int(), AI: z.number().int() }),
  headSeq: z.number().int(),
  queue: statusCounts.extend({
    oldestPendingAgeMs: z.number().int().nullable(),
    byEntity: z.record(z.string(), statusCounts.extend({ oldestPendingAgeMs: z.number().int().nullable() })),
    /** Of `complete`: settled by the predecessor's `PATCH processed: true` (no linked reply). Optional: older Workers omit it. */
    answeredByLegacy: z.number().int().optional(),
  }),
  storage: z.object({
    kvReads: z.number().int(),
    kvWrites: z.number().int(),
    rowsRead: z.number().int(),
    rowsWritten: z.number().int(),
    snapshotWrites: z.number().int(),
    since: z.number().int(),
  }),
  storagePerMinute: z.object({
    kvReads: z.number(),
    kvWrites: z.number(),
    rowsRead: z.number(),
    rowsWritten: z.number(),
  }),
  /** Per-minute history (O5); absent from rooms that predate it. */
  series: seriesSchema.optional(),
  /** Hot rows and archived segments (optional: older Workers do not report it). */
  archive: archiveStatsSchema.optional(),
});
export type PublicStats = z.infer<typeof publicStatsSchema>;

/** `/api/stats` with the admin token: also who holds what, which bots poll, and why things failed. */
export const statsSchema = publicStatsSchema.extend({
  leases: z.array(
    z.object({
      messageId: z.string(),
      entity: z.string(),
      claimedBy: z.string(),
      expiresAt: z.number().int(),
      attempts: z.number().int(),
    }),
  ),
  bots: z.array(z.object({ workerId: z.string(), lastPolledAt: z.number().int() })),
  recentFailures: z.array(
    z.object({ messageId: z.string(), entity: z.string(), error: z.string(), attempts: z.number().int() }),
  ),
});
export type Stats = z.infer<typeof statsSchema>;

/** The admin-only part of {@link Stats}: bot identities and hostnames, lease holders, failure reasons. */
const ADMIN_ONLY_STATS = ["leases", "bots", "recentFailures"] as const;

/** What either view of `/api/stats` parses as; the admin view when the admin fields are there. */
export const anyStatsSchema = z.union([statsSchema, publicStatsSchema]);

export function isAdminStats(stats: Stats | PublicStats): stats is Stats {
  return ADMIN_ONLY_STATS.every((key) => key in stats);
}

export const channelSchema = z.union([messageTypeSchema, z.literal("ALL")]);
/** Which messages a view shows: one type, or both. */
export type Channel = z.infer<typeof channelSchema>;
