import { z } from "zod";

/** The archive (H1): hot rows in SQLite, settled history in R2 segments, and its last run. */
export const archiveStatsSchema = z.object({
  /** Messages in the room's SQLite. */
  hotRows: z.number().int(),
  /** The room's SQLite size in bytes (all tables and indexes). */
  hotBytes: z.number().int(),
  segments: z.number().int(),
  archivedMessages: z.number().int(),
  /** Compressed bytes of all segments in R2. */
  archivedBytes: z.number().int(),
  /**
   * Segments that failed to decode or are missing, by R2 key (the rest of the history still reads):
   * the seq range they cover, how many archived messages that makes unreadable, and why.
   */
  corruptSegments: z.array(
    z.object({
      key: z.string(),
      error: z.string(),
      fromSeq: z.number().int(),
      toSeq: z.number().int(),
      messages: z.number().int(),
      reason: z.enum(["corrupt", "missing"]),
    }),
  ),
  lastRun: z
    .object({
      at: z.number().int(),
      segments: z.number().int(),
      messages: z.number().int(),
      error: z.string().nullable(),
    })
    .nullable(),
});
export type ArchiveStats = z.infer<typeof archiveStatsSchema>;
