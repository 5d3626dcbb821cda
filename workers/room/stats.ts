import { SERIES, type SeriesMinute, type Stats } from "../../types";
import type { StorageUsage } from "../errors";
import type { Db } from "./db";
import { LEGACY_ANSWERED_KEY } from "./legacy";

const STATUSES = ["pending", "processing", "complete", "failed"] as const;
type StatusCounts = Record<(typeof STATUSES)[number], number>;
type EntityCounts = Stats["queue"]["byEntity"][string];

/**
 * The jobs in one queue state over both of their tables (a message's first job on its row, its
 * further ones in `jobs`, E7), each arm on its own partial index.
 */
function JOBS_IN(status: "pending" | "processing" | "failed", columns: string): string {
  const fromJobs = columns.replace(/\bid\b/, "message_id AS id").replace(/\bseq\b/, "message_seq AS seq");
  return `SELECT ${columns} FROM messages WHERE status = '${status}'
    UNION ALL SELECT ${fromJobs} FROM jobs WHERE status = '${status}'`;
}

/** Storage work since the object started, with a rolling per-minute rate. */
export class StorageTotals {
  kvReads = 0;
  private readonly since: number;
  private windowStart: number;
  private windowBase = { kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 };
  private lastMinute = { kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 };

  constructor(private readonly now: () => number) {
    this.since = now();
    this.windowStart = this.since;
  }

  read(rows: StorageUsage, kvWrites: number): Pick<Stats, "storage" | "storagePerMinute"> {
    const now = this.now();
    const current = { kvReads: this.kvReads, kvWrites, rowsRead: rows.rowsRead, rowsWritten: rows.rowsWritten };
    if (now - this.windowStart >= 60_000) {
      const minutes = (now - this.windowStart) / 60_000;
      this.lastMinute = {
        kvReads: (current.kvReads - this.windowBase.kvReads) / minutes,
        kvWrites: (current.kvWrites - this.windowBase.kvWrites) / minutes,
        rowsRead: (current.rowsRead - this.windowBase.rowsRead) / minutes,
        rowsWritten: (current.rowsWritten - this.windowBase.rowsWritten) / minutes,
      };
      this.windowStart = now;
      this.windowBase = current;
    }
    return {
      storage: { ...current, snapshotWrites: kvWrites, since: this.since },
      storagePerMinute: this.lastMinute,
    };
  }
}

/** Assembles `/api/stats` from running counts and indexed queries (queue-sized, never room-sized). */
export function roomStats(input: {
  room: string;
  db: Db;
  counts: Map<string, number>;
  headSeq: number;
  bots: Stats["bots"];
  storage: Pick<Stats, "storage" | "storagePerMinute">;
  series: { minutes: SeriesMinute[]; detailed: boolean };
  now: number;
}): Stats {
  const { db, counts, now } = input;
  // Keyed by entity ids, which come from clients: a Map, never a plain object, so an id such as
  // `__proto__` or `toString` can neither reach Object.prototype nor collide with what it inherits.
  const byEntity = new Map<string, EntityCounts>();
  const totals: StatusCounts = { pending: 0, processing: 0, complete: 0, failed: 0 };
  for (const [key, n] of counts) {
    const match = /^q:(.*):(pending|processing|complete|failed)$/.exec(key);
    if (!match) continue;
    const [, entity = "", status] = match as unknown as [string, string, keyof StatusCounts];
    let slot = byEntity.get(entity);
    if (!slot) {
      slot = { pending: 0, processing: 0, complete: 0, failed: 0, oldestPendingAgeMs: null };
      byEntity.set(entity, slot);
    }
    slot[status] += n;
    totals[status] += n;
  }
  const oldest = db.all<{ entity: string; ts: number }>(
    `SELECT entity, MIN(ts) AS ts FROM (${JOBS_IN("pending", "entity, ts")}) GROUP BY entity`,
  );
  let oldestPendingAgeMs: number | null = null;
  for (const { entity, ts } of oldest) {
    const age = now - ts;
    const slot = byEntity.get(entity);
    if (slot) slot.oldestPendingAgeMs = age;
    oldestPendingAgeMs = Math.max(oldestPendingAgeMs ?? 0, age);
  }
  const leases = db
    .all<{ id: string; entity: string; claimed_by: string; lease_expires_at: number; attempts: number }>(
      `${JOBS_IN("processing", "id, entity, claimed_by, lease_expires_at, attempts")}
       ORDER BY lease_expires_at LIMIT 100`,
    )
    .map((r) => ({
      messageId: r.id,
      entity: r.entity,
      claimedBy: r.claimed_by,
      expiresAt: r.lease_expires_at,
      attempts: r.attempts,
    }));
  const recentFailures = db
    .all<{ id: string; entity: string; error: string | null; attempts: number }>(
      `${JOBS_IN("failed", "id, entity, error, attempts, seq")} ORDER BY seq DESC LIMIT 20`,
    )
    .map((r) => ({ messageId: r.id, entity: r.entity, error: r.error ?? "", attempts: r.attempts }));
  return {
    room: input.room,
    messages: {
      total: (counts.get("type:human") ?? 0) + (counts.get("type:AI") ?? 0),
      human: counts.get("type:human") ?? 0,
      AI: counts.get("type:AI") ?? 0,
    },
    headSeq: input.headSeq,
    queue: {
      ...totals,
      oldestPendingAgeMs,
      // Object.fromEntries defines each id as an own property (even `__proto__`), never through a
      // setter, and the result is an ordinary object that survives the Durable Object's RPC.
      byEntity: Object.fromEntries(byEntity),
      answeredByLegacy: counts.get(LEGACY_ANSWERED_KEY) ?? 0,
    },
    leases,
    bots: input.bots,
    recentFailures,
    storage: input.storage.storage,
    storagePerMinute: input.storage.storagePerMinute,
    series: { minuteMs: SERIES.minuteMs, minutes: input.series.minutes, detailed: input.series.detailed },
  };
}
