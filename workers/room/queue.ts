import { type Lease, LIMITS, type Message, operatorFailure, type ReplyInput } from "../../types";
import { RoomError } from "../errors";
import type { Counts } from "./counts";
import type { Db } from "./db";
import { NO_EVENTS, type RoomEvents } from "./events";
import type { Messages } from "./messages";
import { type MessageRow, toMessage } from "./rows";

export interface QueueConfig {
  maxAttempts: number;
  newToken: () => string;
  newId: () => string;
  events?: RoomEvents;
}

export interface Claim {
  message: Message;
  lease: Lease;
}

/**
 * The work queue over addressed messages. Every state change is one transaction on the message
 * row: pending → processing (a lease) → complete | failed, and back to pending on release,
 * retryable failure or lease expiry.
 */
export class Queue {
  constructor(
    private readonly db: Db,
    private readonly messages: Messages,
    private readonly counts: Counts,
    private readonly config: QueueConfig,
  ) {}

  /** Most urgent first: priority ascending (0 is most urgent), then seq. */
  pending(entity: string | undefined, limit: number): Message[] {
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
    return rows.map(toMessage);
  }

  claim(messageId: string, workerId: string, leaseSeconds: number, now: number): Claim {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      if (row.status !== "pending") {
        throw new RoomError("conflict", `message "${messageId}" is ${row.status}, not pending`);
      }
      return this.lease(row, workerId, leaseSeconds, now);
    });
  }

  /** Claims the most urgent pending message for any of `entities` (all entities when absent). */
  claimNext(workerId: string, entities: string[] | undefined, leaseSeconds: number, now: number): Claim | null {
    return this.db.transaction(() => {
      const row = this.mostUrgent(entities);
      return row ? this.lease(row, workerId, leaseSeconds, now) : null;
    });
  }

  heartbeat(messageId: string, token: string, leaseSeconds: number, now: number): Lease {
    return this.db.transaction(() => {
      const row = this.held(messageId, token);
      const expiresAt = now + leaseSeconds * 1000;
      this.db.run("UPDATE messages SET lease_expires_at = ? WHERE seq = ?", expiresAt, row.seq);
      return { token, expiresAt };
    });
  }

  /**
   * A progress call's lease check: `token` must hold the message now (404/409 otherwise), then
   * `admit` may still refuse the call. The lease is renewed only once half of it is spent, so a
   * stream of progress calls costs no row writes while the bot's heartbeats keep the lease.
   */
  keepAlive(messageId: string, token: string, leaseSeconds: number, now: number, admit: () => void): Claim {
    return this.db.transaction(() => {
      const row = this.held(messageId, token);
      admit();
      const leaseMs = leaseSeconds * 1000;
      let expiresAt = row.lease_expires_at ?? now;
      if (expiresAt - now < leaseMs / 2) {
        expiresAt = now + leaseMs;
        this.db.run("UPDATE messages SET lease_expires_at = ? WHERE seq = ?", expiresAt, row.seq);
      }
      return { message: toMessage({ ...row, lease_expires_at: expiresAt }), lease: { token, expiresAt } };
    });
  }

  /**
   * Stores the reply and completes the message in one transaction. A repeat by the lease that
   * answered returns the same reply; a late call from an expired lease is accepted only while
   * nobody else holds the message.
   */
  complete(messageId: string, token: string | undefined, reply: ReplyInput | undefined, now: number): Message | null {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      if (row.status === "complete") {
        if (token && row.answered_token !== token) {
          throw new RoomError("already_answered", `message "${messageId}" was already answered by another worker`);
        }
        return row.reply_id ? (this.messages.byIds([row.reply_id])[0] ?? null) : null;
      }
      if (!token)
        throw new RoomError("invalid_input", "leaseToken is required to complete a message that is not answered yet");
      if (row.lease_token !== token) {
        throw new RoomError("lease_lost", `the lease on "${messageId}" is not yours (another worker holds or held it)`);
      }
      // Our token is the latest lease: either still held, or expired with nobody else holding it.
      const replyRow = reply
        ? this.messages.insert({
            id: this.config.newId(),
            now,
            clientTimestamp: null,
            text: reply.text,
            username: reply.username ?? row.entity ?? "entity",
            color: reply.color ?? "200200200",
            domain: row.domain,
            type: "AI",
            replyTo: row.id,
            context: null,
            bot: null,
          })
        : null;
      this.messages.markAnswered(row, replyRow?.id ?? null, token);
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
      const row = this.held(messageId, token);
      const attempts = row.attempts + 1;
      const status = retryable && attempts < this.config.maxAttempts ? "pending" : "failed";
      this.setState(row, status, attempts, error);
      return { status, attempts };
    });
  }

  /** Gives the message back at once without counting an attempt (shutdown, LLM outage). */
  release(messageId: string, token: string): void {
    this.db.transaction(() => {
      const row = this.held(messageId, token);
      this.setState(row, "pending", row.attempts, row.error);
    });
  }

  /**
   * Returns every expired lease to pending with one more attempt, or fails it for good at the
   * limit. Indexed on lease expiry: costs what it expires. Returns the ids it moved.
   */
  expireLeases(now: number): string[] {
    return this.db.transaction(() => {
      const expired = this.db.all<MessageRow>(
        "SELECT * FROM messages WHERE status = 'processing' AND lease_expires_at <= ?",
        now,
      );
      for (const row of expired) {
        const attempts = row.attempts + 1;
        const failed = attempts >= this.config.maxAttempts;
        const reason = `lease expired: worker ${row.claimed_by ?? "?"} stopped responding`;
        this.setState(
          row,
          failed ? "failed" : "pending",
          attempts,
          failed ? `${reason} (${attempts} attempts)` : reason,
        );
      }
      return expired.map((row) => row.id);
    });
  }

  nextLeaseExpiry(): number | null {
    const row = this.db.one<{ at: number | null }>(
      "SELECT lease_expires_at AS at FROM messages WHERE status = 'processing' ORDER BY lease_expires_at LIMIT 1",
    );
    return row?.at ?? null;
  }

  /** Operator: put a failed (or stuck) message back in the queue with a fresh attempt count. */
  requeue(messageId: string): Message {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      if (row.status === "complete")
        throw new RoomError("already_answered", `message "${messageId}" is already answered`);
      if (row.removed_at !== null)
        throw new RoomError("conflict", `message "${messageId}" was removed; restore it first to requeue it`);
      this.setState(row, "pending", 0, null);
      return toMessage(this.addressed(messageId));
    });
  }

  /**
   * Operator: fail a message by hand. The reason is kept (admins and bots read it) behind a prefix
   * that tells the public view it was an operator's doing; the public sees only that.
   */
  failByHand(messageId: string, error: string): Message {
    return this.db.transaction(() => {
      const row = this.addressed(messageId);
      if (row.status === "complete")
        throw new RoomError("already_answered", `message "${messageId}" is already answered`);
      this.setState(row, "failed", row.attempts, operatorFailure(error));
      return toMessage(this.addressed(messageId));
    });
  }

  private setState(row: MessageRow, status: "pending" | "failed", attempts: number, error: string | null): void {
    this.db.run(
      `UPDATE messages SET status = ?, attempts = ?, error = ?, claimed_by = NULL, lease_expires_at = NULL
       WHERE seq = ?`,
      status,
      attempts,
      error,
      row.seq,
    );
    this.counts.moveQueue(row.entity ?? "", row.status, status);
    if (status === "failed" && row.status !== "failed") {
      const events = this.config.events ?? NO_EVENTS;
      this.db.afterCommit(() => events.failed());
    }
  }

  private lease(row: MessageRow, workerId: string, leaseSeconds: number, now: number): Claim {
    const token = this.config.newToken();
    const expiresAt = now + leaseSeconds * 1000;
    const updated = this.db.one<MessageRow>(
      `UPDATE messages SET status = 'processing', claimed_by = ?, lease_token = ?, lease_expires_at = ?
       WHERE seq = ? RETURNING *`,
      workerId,
      token,
      expiresAt,
      row.seq,
    );
    if (!updated) throw new Error(`claimed row ${row.seq} vanished`);
    this.counts.moveQueue(row.entity ?? "", row.status, "processing");
    return { message: toMessage(updated), lease: { token, expiresAt } };
  }

  private mostUrgent(entities: string[] | undefined): MessageRow | undefined {
    if (!entities) {
      return this.db.one<MessageRow>("SELECT * FROM messages WHERE status = 'pending' ORDER BY priority, seq LIMIT 1");
    }
    // One indexed probe per entity beats an IN (...) that would sort every pending row.
    const heads = entities
      .map((entity) =>
        this.db.one<MessageRow>(
          "SELECT * FROM messages WHERE entity = ? AND status = 'pending' ORDER BY priority, seq LIMIT 1",
          entity,
        ),
      )
      .filter((r): r is MessageRow => r !== undefined);
    heads.sort(
      (a, b) => (a.priority ?? LIMITS.priorityDefault) - (b.priority ?? LIMITS.priorityDefault) || a.seq - b.seq,
    );
    return heads[0];
  }

  private addressed(messageId: string): MessageRow {
    const row = this.messages.byId(messageId);
    if (!row) throw new RoomError("not_found", `No message with id "${messageId}"`);
    if (row.entity === null) throw new RoomError("conflict", `message "${messageId}" is not addressed to an entity`);
    return row;
  }

  /** The row, if `token` is its current, unexpired-or-unswept lease; 409 otherwise. */
  private held(messageId: string, token: string): MessageRow {
    const row = this.addressed(messageId);
    if (row.status !== "processing" || row.lease_token !== token) {
      throw new RoomError("lease_lost", `lease on "${messageId}" was lost (it expired or another worker holds it)`);
    }
    return row;
  }
}
