import type { Bindings } from "../app-env";
import { SNAPSHOT_SIZE } from "../snapshot";

/** How much history a room keeps in SQLite, and how it moves the rest to R2 (read once per object). */
export interface ArchiveOptions {
  /** Messages kept hot in SQLite; settled ones past this move to R2. */
  hotMessages: number;
  /** Messages per R2 segment. */
  segmentSize: number;
  /** Segments one alarm may write, so each alarm does bounded work. */
  segmentsPerRun: number;
}

/**
 * Sized from the measurement in docs/ARCHITECTURE.md (355 B of SQLite per hot message with its
 * indexes): a million hot messages is about 0.36 GB, under 4 % of a Durable Object's 10 GB, and a
 * week of history at 100 messages a minute stays in SQLite, where reads are cheapest.
 */
export const DEFAULT_ARCHIVE_OPTIONS: ArchiveOptions = { hotMessages: 1_000_000, segmentSize: 1000, segmentsPerRun: 4 };

export function archiveOptions(env: Pick<Bindings, "HOT_MESSAGES" | "ARCHIVE_SEGMENT_SIZE">): ArchiveOptions {
  return normalizeArchiveOptions({
    hotMessages: Number(env.HOT_MESSAGES) || DEFAULT_ARCHIVE_OPTIONS.hotMessages,
    segmentSize: Number(env.ARCHIVE_SEGMENT_SIZE) || DEFAULT_ARCHIVE_OPTIONS.segmentSize,
    segmentsPerRun: DEFAULT_ARCHIVE_OPTIONS.segmentsPerRun,
  });
}

/** The hot window never drops below the KV snapshot's window, which is served from hot rows. */
export function normalizeArchiveOptions(o: ArchiveOptions): ArchiveOptions {
  return {
    hotMessages: Math.max(SNAPSHOT_SIZE, Math.floor(o.hotMessages)),
    segmentSize: Math.min(10_000, Math.max(10, Math.floor(o.segmentSize))),
    segmentsPerRun: Math.min(50, Math.max(1, Math.floor(o.segmentsPerRun))),
  };
}
