import type { Bindings } from "../app-env";
import { config } from "../config";
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

/** Segments one alarm writes: bounded work per alarm. (Hot window and segment size: workers/config.ts.) */
const SEGMENTS_PER_RUN = 4;

export function archiveOptions(env: Pick<Bindings, "HOT_MESSAGES" | "ARCHIVE_SEGMENT_SIZE">): ArchiveOptions {
  const { HOT_MESSAGES, ARCHIVE_SEGMENT_SIZE } = config(env);
  return normalizeArchiveOptions({
    hotMessages: HOT_MESSAGES,
    segmentSize: ARCHIVE_SEGMENT_SIZE,
    segmentsPerRun: SEGMENTS_PER_RUN,
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
