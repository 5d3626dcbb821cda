import type { Db } from "./db";
import type { QueueGauges, SeriesStore, StoredMinute } from "./series";

interface SeriesRow extends Record<string, number | null> {
  minute: number;
  messages: number;
  replies: number;
  failures: number;
  queue_depth: number;
  oldest_pending_ms: number | null;
  kv_reads: number;
  kv_writes: number;
  rows_read: number;
  rows_written: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_samples: number;
}

/** The 24 h ring in the room's SQLite: one row per closed minute, keyed by the minute's start. */
export class SqlSeriesStore implements SeriesStore {
  constructor(private readonly db: Db) {}

  load(since: number): StoredMinute[] {
    return this.db.all<SeriesRow>("SELECT * FROM series WHERE minute >= ? ORDER BY minute", since).map((r) => ({
      at: r.minute,
      messages: r.messages,
      replies: r.replies,
      failures: r.failures,
      queueDepth: r.queue_depth,
      oldestPendingMs: r.oldest_pending_ms,
      kvReads: r.kv_reads,
      kvWrites: r.kv_writes,
      rowsRead: r.rows_read,
      rowsWritten: r.rows_written,
      latencyP50Ms: r.latency_p50_ms,
      latencyP95Ms: r.latency_p95_ms,
      latencySamples: r.latency_samples,
    }));
  }

  save(m: StoredMinute, dropBefore: number): void {
    this.db.transaction(() => {
      this.db.run(
        `INSERT INTO series (minute, messages, replies, failures, queue_depth, oldest_pending_ms, kv_reads,
           kv_writes, rows_read, rows_written, latency_p50_ms, latency_p95_ms, latency_samples)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (minute) DO UPDATE SET messages = excluded.messages, replies = excluded.replies,
           failures = excluded.failures, queue_depth = excluded.queue_depth,
           oldest_pending_ms = excluded.oldest_pending_ms, kv_reads = excluded.kv_reads,
           kv_writes = excluded.kv_writes, rows_read = excluded.rows_read, rows_written = excluded.rows_written,
           latency_p50_ms = excluded.latency_p50_ms, latency_p95_ms = excluded.latency_p95_ms,
           latency_samples = excluded.latency_samples`,
        m.at,
        m.messages,
        m.replies,
        m.failures,
        m.queueDepth,
        m.oldestPendingMs,
        m.kvReads,
        m.kvWrites,
        m.rowsRead,
        m.rowsWritten,
        m.latencyP50Ms,
        m.latencyP95Ms,
        m.latencySamples,
      );
      // The ring: whatever fell out of the 24 h window goes in the same step (the primary key range).
      this.db.run("DELETE FROM series WHERE minute < ?", dropBefore);
    });
  }
}

/** Queue depth and the oldest pending age from the running counts and one indexed MIN over pending rows. */
export function queueGauges(db: Db, counts: Map<string, number>, now: number): QueueGauges {
  let queueDepth = 0;
  for (const [key, n] of counts) if (/^q:.*:(pending|processing)$/.test(key)) queueDepth += n;
  const oldest = db.one<{ ts: number | null }>(
    "SELECT MIN(ts) AS ts FROM (SELECT MIN(ts) AS ts FROM messages WHERE status = 'pending' UNION ALL SELECT MIN(ts) AS ts FROM jobs WHERE status = 'pending')",
  );
  return { queueDepth, oldestPendingMs: oldest?.ts == null ? null : Math.max(0, now - oldest.ts) };
}
