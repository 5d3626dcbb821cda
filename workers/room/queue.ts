import {
  type EntityScope,
  type Lease,
  type Message,
  operatorFailure,
  type ReadRecord,
  type ReplyInput,
  scopeCovers,
} from "../../types";
import { RoomError } from "../errors";
import type { Counts } from "./counts";
import type { Db } from "./db";
import type { RoomEvents } from "./events";
import { asJob, byUrgency, type JobRow, Jobs } from "./jobs";
import type { Messages } from "./messages";
import type { Participants } from "./participants";
import { type MessageRow, toMessage } from "./rows";

export interface QueueConfig {
  maxAttempts: number;
  newToken: () => string;
  newId: () => string;
  events?: RoomEvents;
  /** The room's job store and participants (mentions and scenes); built here when absent. */
  jobs?: Jobs;
  participants?: Participants;
}

export interface Claim {
  /** The message as the job that was leased: `botParams` is that job's entity and state. */
  message: Message;
  lease: Lease;
}

/**
 * The work queue over jobs, one per (message, entity) (room/jobs.ts). A bot leases, completes or
 * fails a job; the calls name the message, and the lease token says which of its jobs. Every
 * state change is one transaction on the job's row.
 */
export class Queue {
  readonly jobs: Jobs;

  constructor(
    private readonly db: Db,
    private readonly messages: Messages,
    counts: Counts,
    private readonly config: QueueConfig,
  ) {
    this.jobs = config.jobs ?? new Jobs(db, counts, config.events);
  }

  /** Most urgent first: priority ascending (0 is most urgent), then seq. Each message as its job. */
  pending(entity: string | undefined, limit: number): Message[] {
    // First jobs come with their rows (one read each, as before jobs); further ones read their message.
    const rows = entity
      ? this.db.all<MessageRow>(
          "SELECT * FROM messages WHERE entity = ? AND status = 'pending' ORDER BY priority, seq LIMIT ?",
          entity,
          limit,
        )
      : this.db.all<MessageRow>(
          "SELECT * FROM messages WHERE status = 'pending' ORDER BY priority, seq LIMIT ?",
          limit,
        );
    const byId = new Map(rows.map((row) => [row.id, row]));
    const primary = rows.map((row) => this.jobs.primary(row)).filter((j): j is JobRow => j !== null);
    return [...primary, ...this.jobs.pendingExtra(entity, limit)]
      .sort(byUrgency)
      .slice(0, limit)
      .map((job) => {
        const row = job.primary_job === 1 ? byId.get(job.id) : undefined;
        return row ? asJob(row, job) : this.asJob(job);
      });
  }

  /** Claims the message's first pending job that `scope` covers. */
  claim(messageId: string, workerId: string, leaseSeconds: number, now: number, scope: EntityScope = "*"): Claim {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      const jobs = this.jobs.of(row).filter((j) => scopeCovers(scope, j.entity));
      const job = jobs.find((j) => j.status === "pending");
      if (!job) {
        throw new RoomError("conflict", `message "${messageId}" is ${jobs[0]?.status ?? "settled"}, not pending`);
      }
      return this.lease(row, job, workerId, leaseSeconds, now);
    });
  }

  /** Claims the most urgent pending job for any of `entities` (all entities when absent). */
  claimNext(workerId: string, entities: string[] | undefined, leaseSeconds: number, now: number): Claim | null {
    return this.db.transaction(() => {
      const head = this.mostUrgent(entities);
      if (!head) return null;
      const row = head.row ?? this.messages.byId(head.job.id);
      if (!row) throw new Error(`job of ${head.job.id} has no message`);
      return this.lease(row, head.job, workerId, leaseSeconds, now);
    });
  }

  heartbeat(messageId: string, token: string, leaseSeconds: number, now: number): Lease {
    return this.db.transaction(() => {
      const { job } = this.held(messageId, token);
      const expiresAt = now + leaseSeconds * 1000;
      this.jobs.change(job, { lease_expires_at: expiresAt });
      return { token, expiresAt };
    });
  }

  /**
   * A progress call's lease check: `token` must hold a job of the message now (404/409 otherwise),
   * then `admit` may still refuse the call. The lease is renewed only once half of it is spent, so
   * a stream of progress calls costs no row writes while the bot's heartbeats keep the lease.
   */
  keepAlive(messageId: string, token: string, leaseSeconds: number, now: number, admit: () => void): Claim {
    return this.db.transaction(() => {
      const { row, job } = this.held(messageId, token);
      admit();
      const leaseMs = leaseSeconds * 1000;
      let expiresAt = job.lease_expires_at ?? now;
      if (expiresAt - now < leaseMs / 2) {
        expiresAt = now + leaseMs;
        this.jobs.change(job, { lease_expires_at: expiresAt });
      }
      return { message: asJob(row, { ...job, lease_expires_at: expiresAt }), lease: { token, expiresAt } };
    });
  }

  /**
   * Stores the reply and completes the job in one transaction; the reply's mentions address the
   * entities it names within the scene's budget (room/participants.ts), in that same transaction.
   * A repeat by the lease that answered returns the same reply; a late call from an expired lease
   * is accepted only while nobody else holds the job.
   */
  complete(
    messageId: string,
    token: string | undefined,
    reply: ReplyInput | undefined,
    now: number,
    read?: ReadRecord,
  ): Message | null {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      const jobs = this.jobs.of(row);
      // The lease names the job; a call without one means the message's only (or first) job.
      const job =
        (token ? jobs.find((j) => j.lease_token === token || j.answered_token === token) : undefined) ??
        (jobs.length === 1 ? jobs[0] : jobs.find((j) => j.status !== "complete")) ??
        (jobs[0] as JobRow);
      if (job.status === "complete") {
        if (token && job.answered_token !== token) {
          throw new RoomError("already_answered", `message "${messageId}" was already answered by another worker`);
        }
        return job.reply_id ? (this.messages.byIds([job.reply_id])[0] ?? null) : null;
      }
      if (!token)
        throw new RoomError("invalid_input", "leaseToken is required to complete a message that is not answered yet");
      if (job.lease_token !== token) {
        throw new RoomError("lease_lost", `the lease on "${messageId}" is not yours (another worker holds or held it)`);
      }
      // Our token is the job's latest lease: either still held, or expired with nobody else holding it.
      const fields = {
        id: this.config.newId(),
        now,
        clientTimestamp: null,
        text: reply?.text ?? "",
        username: reply?.username ?? job.entity,
        color: reply?.color ?? "200200200",
        domain: row.domain,
        type: "AI" as const,
        replyTo: row.id,
        context: null,
      };
      const replyRow = !reply
        ? null
        : this.config.participants
          ? this.config.participants.store(fields, { botParams: null, answers: job, read: read ?? null })
          : this.messages.insert({ ...fields, bot: null });
      this.jobs.answer(job, replyRow?.id ?? null, token);
      this.refresh(row);
      return replyRow ? toMessage(replyRow) : null;
    });
  }

  fail(
    messageId: string,
    token: string,
    error: string,
    retryable: boolean,
  ): { status: "pending" | "failed"; attempts: number } {
    return this.db.transaction(() => {
      const { row, job } = this.held(messageId, token);
      const attempts = job.attempts + 1;
      const status = retryable && attempts < this.config.maxAttempts ? "pending" : "failed";
      this.setState(job, status, attempts, error);
      this.refresh(row);
      return { status, attempts };
    });
  }

  /** Gives the job back at once without counting an attempt (shutdown, LLM outage). */
  release(messageId: string, token: string): void {
    this.db.transaction(() => {
      const { row, job } = this.held(messageId, token);
      this.setState(job, "pending", job.attempts, job.error);
      this.refresh(row);
    });
  }

  /**
   * Returns every expired lease to pending with one more attempt, or fails it for good at the
   * limit. Indexed on lease expiry: costs what it expires. Returns the ids of the messages whose
   * jobs it moved (once each).
   */
  expireLeases(now: number): string[] {
    return this.db.transaction(() => {
      const expired = this.jobs.expired(now);
      const moved = expired.map((job) => {
        const attempts = job.attempts + 1;
        const failed = attempts >= this.config.maxAttempts;
        const reason = `lease expired: worker ${job.claimed_by ?? "?"} stopped responding`;
        return this.setState(
          job,
          failed ? "failed" : "pending",
          attempts,
          failed ? `${reason} (${attempts} attempts)` : reason,
        );
      });
      for (const seq of new Set(moved.filter((j) => j.has_view === 1).map((j) => j.seq))) this.jobs.refreshView(seq);
      return [...new Set(moved.map((j) => j.id))];
    });
  }

  nextLeaseExpiry(): number | null {
    return this.jobs.nextLeaseExpiry();
  }

  /** Operator: put a message's failed (or stuck) jobs back in the queue with fresh attempt counts. */
  requeue(messageId: string): Message {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      const open = this.jobs.of(row).filter((j) => j.status !== "complete");
      if (open.length === 0) throw new RoomError("already_answered", `message "${messageId}" is already answered`);
      if (row.removed_at !== null)
        throw new RoomError("conflict", `message "${messageId}" was removed; restore it first to requeue it`);
      for (const job of open) this.setState(job, "pending", 0, null);
      this.refresh(row);
      return toMessage(this.addressed(messageId));
    });
  }

  /**
   * Operator: fail a message's open jobs by hand. The reason is kept (admins and bots read it)
   * behind a prefix that tells the public view it was an operator's doing; the public sees only that.
   */
  failByHand(messageId: string, error: string): Message {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      const open = this.jobs.of(row).filter((j) => j.status !== "complete");
      if (open.length === 0) throw new RoomError("already_answered", `message "${messageId}" is already answered`);
      for (const job of open) this.setState(job, "failed", job.attempts, operatorFailure(error));
      this.refresh(row);
      return toMessage(this.addressed(messageId));
    });
  }

  /** The message as the job a lease token holds (for the draft a progress call shows). */
  private asJob(job: JobRow): Message {
    const row = this.messages.byId(job.id);
    if (!row) throw new Error(`job of ${job.id} has no message`);
    return asJob(row, job);
  }

  private refresh(row: MessageRow): void {
    if (row.jobs !== null) this.jobs.refreshView(row.seq);
  }

  private setState(job: JobRow, status: "pending" | "failed", attempts: number, error: string | null): JobRow {
    return this.jobs.change(job, { status, attempts, error, claimed_by: null, lease_expires_at: null });
  }

  private lease(row: MessageRow, job: JobRow, workerId: string, leaseSeconds: number, now: number): Claim {
    const token = this.config.newToken();
    const expiresAt = now + leaseSeconds * 1000;
    const leased = this.jobs.change(job, {
      status: "processing",
      claimed_by: workerId,
      lease_token: token,
      lease_expires_at: expiresAt,
    });
    const updated = { ...row, ...(job.primary_job === 1 ? pick(leased) : {}) } as MessageRow;
    this.refresh(row);
    return { message: asJob(updated, leased), lease: { token, expiresAt } };
  }

  /**
   * The most urgent pending job: one indexed probe per entity and table (an IN (...) would sort
   * every pending row). A first job comes with its message row, so claiming it reads no more.
   */
  private mostUrgent(entities: string[] | undefined): { job: JobRow; row?: MessageRow } | undefined {
    const heads: { job: JobRow; row?: MessageRow }[] = [];
    for (const entity of entities ?? [undefined]) {
      const row = entity
        ? this.db.one<MessageRow>(
            "SELECT * FROM messages WHERE entity = ? AND status = 'pending' ORDER BY priority, seq LIMIT 1",
            entity,
          )
        : this.db.one<MessageRow>("SELECT * FROM messages WHERE status = 'pending' ORDER BY priority, seq LIMIT 1");
      const job = row ? this.jobs.primary(row) : null;
      if (row && job) heads.push({ job, row });
      for (const extra of this.jobs.pendingExtra(entity, 1)) heads.push({ job: extra });
    }
    return heads.sort((a, b) => byUrgency(a.job, b.job))[0];
  }

  private addressed(messageId: string): MessageRow {
    const row = this.messages.byId(messageId);
    if (!row) throw new RoomError("not_found", `No message with id "${messageId}"`);
    if (row.entity === null) throw new RoomError("conflict", `message "${messageId}" is not addressed to an entity`);
    return row;
  }

  /** The message and the job `token` currently leases, unexpired or unswept; 409 otherwise. */
  private held(messageId: string, token: string): { row: MessageRow; job: JobRow } {
    const row = this.addressed(messageId);
    const job = this.jobs.of(row).find((j) => j.status === "processing" && j.lease_token === token);
    if (!job) {
      throw new RoomError("lease_lost", `lease on "${messageId}" was lost (it expired or another worker holds it)`);
    }
    return { row, job };
  }
}

/** The message-row columns of a first job's state. */
function pick(job: JobRow): Partial<MessageRow> {
  return {
    status: job.status,
    claimed_by: job.claimed_by,
    lease_token: job.lease_token,
    lease_expires_at: job.lease_expires_at,
  };
}
