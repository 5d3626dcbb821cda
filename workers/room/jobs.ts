import { type Job, LIMITS, type Message, type QueueStatus } from "../../types";
import type { Counts } from "./counts";
import type { Db } from "./db";
import { NO_EVENTS, type RoomEvents } from "./events";
import { type MessageRow, settled, toMessage } from "./rows";

/**
 * One queue job: what a bot leases, completes or fails (one per message and entity). A message's
 * first job lives on its own row (the queue columns every addressed row always had), further
 * jobs of the same message in `jobs`; both have the same columns and partial indexes, so each
 * job moves through the same state machine in one transaction: pending → processing (a lease)
 * → complete | failed, and back to pending on release, retryable failure or lease expiry.
 */
export interface JobRow extends Record<string, string | number | null> {
  /** 1: the job is the message row's own (its first); 0: a row of `jobs`. */
  primary_job: number;
  /** 1 when the message keeps a jobs view (`Message.jobs`) that must follow this job's moves. */
  has_view: number;
  ord: number;
  seq: number;
  id: string;
  entity: string;
  ts: number;
  priority: number;
  status: string;
  attempts: number;
  claimed_by: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  error: string | null;
  reply_id: string | null;
  answered_token: string | null;
  depth: number;
}

const EXTRA_COLUMNS = `0 AS primary_job, 1 AS has_view, ord, message_seq AS seq, message_id AS id, entity, ts, priority, status,
  attempts, claimed_by, lease_token, lease_expires_at, error, reply_id, answered_token, depth`;
// Ordering names the table's columns (messages.priority), not these aliases, so the partial
// queue indexes still give the order without a sort.
const PRIMARY_COLUMNS = `1 AS primary_job, (jobs IS NOT NULL) AS has_view, 0 AS ord, seq, id, entity, ts, COALESCE(priority, ${LIMITS.priorityDefault}) AS priority,
  COALESCE(status, 'pending') AS status, attempts, claimed_by, lease_token, lease_expires_at, error, reply_id,
  answered_token, COALESCE(depth, 0) AS depth`;

/** What a state change writes (the columns it names; the rest stay). */
export interface JobChange {
  status?: QueueStatus;
  attempts?: number;
  error?: string | null;
  claimed_by?: string | null;
  lease_token?: string | null;
  lease_expires_at?: number | null;
  reply_id?: string | null;
  answered_token?: string | null;
}

const OPEN = new Set(["pending", "processing"]);

export class Jobs {
  /**
   * Further jobs that are pending or processing, in memory (changed only once a transaction
   * commits), so the queue's hot paths skip the `jobs` table entirely while it holds no open job.
   */
  private openExtra: number;

  constructor(
    private readonly db: Db,
    private readonly counts: Counts,
    private readonly events: RoomEvents = NO_EVENTS,
  ) {
    this.openExtra =
      (db.one<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'pending'")?.n ?? 0) +
      (db.one<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE status = 'processing'")?.n ?? 0);
  }

  private opened(delta: number): void {
    if (delta !== 0)
      this.db.afterCommit(() => {
        this.openExtra += delta;
      });
  }

  /** The first job, read from the message row itself (no extra read). */
  primary(row: MessageRow): JobRow | null {
    if (row.entity === null) return null;
    return {
      primary_job: 1,
      has_view: row.jobs === null ? 0 : 1,
      ord: 0,
      seq: row.seq,
      id: row.id,
      entity: row.entity,
      ts: row.ts,
      priority: row.priority ?? LIMITS.priorityDefault,
      status: row.status ?? "pending",
      attempts: row.attempts,
      claimed_by: row.claimed_by,
      lease_token: row.lease_token,
      lease_expires_at: row.lease_expires_at,
      error: row.error,
      reply_id: row.reply_id,
      answered_token: row.answered_token,
      depth: row.depth ?? 0,
    };
  }

  /** Every job of a message, first first. A message without a jobs view has at most its own. */
  of(row: MessageRow): JobRow[] {
    const first = this.primary(row);
    const jobs = first ? [first] : [];
    if (row.jobs === null) return jobs;
    return [
      ...jobs,
      ...this.db.all<JobRow>(`SELECT ${EXTRA_COLUMNS} FROM jobs WHERE message_seq = ? ORDER BY ord`, row.seq),
    ];
  }

  /** Inserts the further jobs of a message just stored (pending, no attempts yet). */
  addExtra(row: MessageRow, extra: readonly { entity: string; priority: number; depth: number }[]): void {
    extra.forEach((job, index) => {
      this.db.run(
        `INSERT INTO jobs (message_seq, message_id, ord, entity, ts, priority, status, attempts, depth)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?)`,
        row.seq,
        row.id,
        index + 1,
        job.entity,
        row.ts,
        job.priority,
        job.depth,
      );
      this.counts.moveQueue(job.entity, null, "pending");
    });
    this.opened(extra.length);
  }

  /** Writes a state change to the job's row (message row or `jobs`), keeping the counts exact. */
  change(job: JobRow, change: JobChange): JobRow {
    const entries = Object.entries(change) as [keyof JobChange, string | number | null][];
    if (entries.length === 0) return job;
    const set = entries.map(([column]) => `${column} = ?`).join(", ");
    const values = entries.map(([, value]) => value);
    if (job.primary_job === 1) this.db.run(`UPDATE messages SET ${set} WHERE seq = ?`, ...values, job.seq);
    else this.db.run(`UPDATE jobs SET ${set} WHERE message_seq = ? AND entity = ?`, ...values, job.seq, job.entity);
    const next = { ...job, ...change } as JobRow;
    if (job.primary_job === 0) this.opened(Number(OPEN.has(next.status)) - Number(OPEN.has(job.status)));
    if (change.status && change.status !== job.status) {
      this.counts.moveQueue(job.entity, job.status, change.status);
      if (change.status === "failed") this.db.afterCommit(() => this.events.failed());
    }
    return next;
  }

  /** Completes a job, recording which reply (if any) and which lease answered it. */
  answer(job: JobRow, replyId: string | null, leaseToken: string | null): JobRow {
    const done = this.change(job, {
      status: "complete",
      reply_id: replyId,
      answered_token: leaseToken,
      claimed_by: null,
      lease_expires_at: null,
      error: null,
    });
    if (replyId !== null) this.db.afterCommit(() => this.events.answered(job.ts));
    return done;
  }

  /** Rewrites the jobs view of a message that has one (after any of its jobs moved). */
  refreshView(seq: number): void {
    const row = this.db.one<MessageRow>("SELECT * FROM messages WHERE seq = ?", seq);
    if (!row || row.jobs === null) return;
    this.db.run("UPDATE messages SET jobs = ? WHERE seq = ?", JSON.stringify(this.of(row).map(view)), seq);
  }

  /** Pending further jobs, most urgent first (the first jobs are on the message rows). */
  pendingExtra(entity: string | undefined, limit: number): JobRow[] {
    if (this.openExtra === 0) return [];
    return entity
      ? this.db.all<JobRow>(
          `SELECT ${EXTRA_COLUMNS} FROM jobs WHERE entity = ? AND status = 'pending' ORDER BY priority, message_seq LIMIT ?`,
          entity,
          limit,
        )
      : this.db.all<JobRow>(
          `SELECT ${EXTRA_COLUMNS} FROM jobs WHERE status = 'pending' ORDER BY priority, message_seq LIMIT ?`,
          limit,
        );
  }

  pendingPrimary(entity: string | undefined, limit: number): JobRow[] {
    return entity
      ? this.db.all<JobRow>(
          `SELECT ${PRIMARY_COLUMNS} FROM messages WHERE entity = ? AND status = 'pending' ORDER BY messages.priority, messages.seq LIMIT ?`,
          entity,
          limit,
        )
      : this.db.all<JobRow>(
          `SELECT ${PRIMARY_COLUMNS} FROM messages WHERE status = 'pending' ORDER BY messages.priority, messages.seq LIMIT ?`,
          limit,
        );
  }

  /** The most urgent pending jobs over both tables: priority ascending (0 first), then seq. */
  pending(entity: string | undefined, limit: number): JobRow[] {
    return [...this.pendingPrimary(entity, limit), ...this.pendingExtra(entity, limit)].sort(byUrgency).slice(0, limit);
  }

  expired(now: number): JobRow[] {
    return [
      ...this.db.all<JobRow>(
        `SELECT ${PRIMARY_COLUMNS} FROM messages WHERE status = 'processing' AND lease_expires_at <= ?`,
        now,
      ),
      ...(this.openExtra === 0
        ? []
        : this.db.all<JobRow>(
            `SELECT ${EXTRA_COLUMNS} FROM jobs WHERE status = 'processing' AND lease_expires_at <= ?`,
            now,
          )),
    ];
  }

  nextLeaseExpiry(): number | null {
    const at = [
      this.db.one<{ at: number | null }>(
        "SELECT lease_expires_at AS at FROM messages WHERE status = 'processing' ORDER BY lease_expires_at LIMIT 1",
      )?.at,
      this.openExtra === 0
        ? null
        : this.db.one<{ at: number | null }>(
            "SELECT lease_expires_at AS at FROM jobs WHERE status = 'processing' ORDER BY lease_expires_at LIMIT 1",
          )?.at,
    ].filter((t): t is number => typeof t === "number");
    return at.length ? Math.min(...at) : null;
  }

  /** Deletes the further jobs of archived messages (their state travels in the message's view). */
  dropArchived(floor: number, lastSeq: number): void {
    this.db.run("DELETE FROM jobs WHERE message_seq > ? AND message_seq <= ?", floor, lastSeq);
  }
}

/** The message as one of its jobs: `botParams` reflects that job (what a bot leased). */
export function asJob(row: MessageRow, job: JobRow): Message {
  const message = toMessage(row);
  const first = job.primary_job === 1;
  message.botParams = {
    entity: job.entity,
    priority: job.priority,
    status: job.status as QueueStatus,
    attempts: job.attempts,
    claimedBy: job.claimed_by,
    leaseExpiresAt: job.lease_expires_at,
    error: job.error,
    ...(first && row.model !== null ? { model: row.model } : {}),
    ...(first && row.ais !== null ? { ais: row.ais } : {}),
    processed: settled(job.status),
  };
  return message;
}

/** A job as `Message.jobs` lists it. */
export function view(job: JobRow): Job {
  return {
    entity: job.entity,
    status: job.status as QueueStatus,
    attempts: job.attempts,
    error: job.error,
    depth: job.depth,
    ...(job.reply_id !== null ? { replyId: job.reply_id } : {}),
  };
}

export function byUrgency(a: JobRow, b: JobRow): number {
  return a.priority - b.priority || a.seq - b.seq || a.ord - b.ord;
}
