import { z } from "zod";

/** The room's per-minute time series (O5): a ring of the last 24 hours, one entry per minute. */
export const SERIES = {
  minuteMs: 60_000,
  /** Minutes the room keeps (24 h); older ones roll off. */
  keepMinutes: 1_440,
  /** Minutes `/api/stats` returns unless asked for more (the monitor's hour chart). */
  defaultMinutes: 60,
} as const;

/**
 * One minute. Counts are events inside the minute; `queueDepth` and `oldestPendingMs` are gauges
 * read when the minute closed (or now, for the open minute). The latency fields exist only in the
 * admin view: they describe how the operator's bots perform, not the room's public activity.
 */
const seriesMinuteSchema = z.object({
  /** Start of the minute, ms since the epoch (a multiple of 60,000). */
  at: z.number().int(),
  /** Human messages stored. */
  messages: z.number().int().min(0),
  /** AI messages stored (entity replies). */
  replies: z.number().int().min(0),
  /** Addressed messages that became `failed`. */
  failures: z.number().int().min(0),
  /** Pending + processing. */
  queueDepth: z.number().int().min(0),
  oldestPendingMs: z.number().int().min(0).nullable(),
  kvReads: z.number().int().min(0),
  kvWrites: z.number().int().min(0),
  rowsRead: z.number().int().min(0),
  rowsWritten: z.number().int().min(0),
  /** Post → reply stored, over the replies stored in this minute (admin view only). */
  latencyP50Ms: z.number().int().min(0).nullable().optional(),
  latencyP95Ms: z.number().int().min(0).nullable().optional(),
  /** Replies the percentiles were computed from (admin view only). */
  latencySamples: z.number().int().min(0).optional(),
  /** The minute still running: its counts grow until it closes. */
  open: z.boolean().optional(),
});
export type SeriesMinute = z.infer<typeof seriesMinuteSchema>;

export const seriesSchema = z.object({
  minuteMs: z.literal(SERIES.minuteMs),
  /** Ascending by `at`; minutes with nothing to record are absent (read them as zero). */
  minutes: z.array(seriesMinuteSchema),
  /** True when the caller showed the admin token and got the latency fields. */
  detailed: z.boolean(),
});
export type Series = z.infer<typeof seriesSchema>;

/** Query of `GET /api/stats`: how many minutes of the series to return (0 for none). */
export const statsQuerySchema = z.object({
  minutes: z.coerce.number().int().min(0).max(SERIES.keepMinutes).default(SERIES.defaultMinutes),
});
