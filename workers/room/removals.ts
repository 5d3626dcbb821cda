import { type Message, MODERATION } from "../../types";
import { RoomError } from "../errors";
import type { Archive } from "./archive";
import type { Audit } from "./audit";
import type { Changes } from "./changes";
import type { Counts } from "./counts";
import type { Db } from "./db";
import type { Jobs } from "./jobs";
import { type MessageRow, toMessage, tombstone } from "./rows";

/**
 * After a removal, the context lines of messages posted soon after it are scrubbed too (clients
 * quote what they saw). Bounded so a removal costs the same in a room of any size: the queue
 * (pending/processing, which the bot is about to read) plus this many following messages.
 */
export const CONTEXT_SCRUB_WINDOW = 500;

/** What a removal keeps until the grace period ends, so a mistaken one can be undone whole. */
interface Original {
  text: string;
  username: string;
  color: string;
  context: string | null;
  /** The queue state a removal cut short (pending/processing), restored with the message. */
  status: string | null;
  error: string | null;
}

export interface ModerationOutcome {
  /** The message as it now stands (a tombstone after remove). */
  message: Message;
  /** False for a replay: nothing changed and nothing was audited. */
  changed: boolean;
  /** Every message this action changed in place (for the live `updated` event). */
  updated: Message[];
  /** An addressed message went back to pending (bots waiting should be woken). */
  requeued: boolean;
}

/**
 * Removing and restoring messages. A removal turns the row into a tombstone in one transaction:
 * it keeps its seq and id (cursors stay complete), loses text, username, color and context,
 * leaves the queue as failed "removed", and logs an in-place change so every reader replaces it.
 */
export class Removals {
  constructor(
    private readonly db: Db,
    private readonly counts: Counts,
    private readonly changes: Changes,
    private readonly audit: Audit,
    private readonly archive: Archive,
    private readonly jobs?: Jobs,
  ) {}

  /** Whether the message is a hot row (else it may be archived: {@link removeArchived}). */
  holds(messageId: string): boolean {
    return this.db.one("SELECT seq FROM messages WHERE id = ?", messageId) !== undefined;
  }

  remove(messageId: string, reason: string, operator: string, now: number): ModerationOutcome {
    return this.db.transaction(() => {
      const row = this.byId(messageId);
      if (row.removed_at !== null) return unchanged(row);
      const original: Original = {
        text: row.text,
        username: row.username,
        color: row.color,
        context: row.context,
        status: row.status,
        error: row.error,
      };
      this.db.run(
        "INSERT INTO removals (message_id, original, removed_at, expires_at) VALUES (?, ?, ?, ?)",
        row.id,
        JSON.stringify(original),
        now,
        now + MODERATION.graceMs,
      );
      const cutShort = row.status === "pending" || row.status === "processing";
      // Clearing the lease token too makes the holder's late complete or heartbeat a 409.
      let tombstone = this.db.one<MessageRow>(
        `UPDATE messages SET text = '', username = '', color = '', context = NULL,
           removed_reason = ?, removed_at = ?,
           status = CASE WHEN ? THEN 'failed' ELSE status END,
           error = CASE WHEN ? THEN ? ELSE error END,
           claimed_by = CASE WHEN ? THEN NULL ELSE claimed_by END,
           lease_token = CASE WHEN ? THEN NULL ELSE lease_token END,
           lease_expires_at = CASE WHEN ? THEN NULL ELSE lease_expires_at END
         WHERE seq = ? RETURNING *`,
        reason,
        now,
        cutShort ? 1 : 0,
        cutShort ? 1 : 0,
        MODERATION.removedQueueError,
        cutShort ? 1 : 0,
        cutShort ? 1 : 0,
        cutShort ? 1 : 0,
        row.seq,
      );
      if (!tombstone) throw new Error(`removed row ${row.seq} vanished`);
      if (cutShort) this.counts.moveQueue(row.entity ?? "", row.status, "failed");
      // Its further jobs (E7) are cancelled the same way: the queue keeps no job nobody will settle.
      if (row.jobs !== null && this.jobs) {
        for (const job of this.jobs.of(row)) {
          if (job.primary_job === 1 || (job.status !== "pending" && job.status !== "processing")) continue;
          this.jobs.change(job, {
            status: "failed",
            error: MODERATION.removedQueueError,
            claimed_by: null,
            lease_token: null,
            lease_expires_at: null,
          });
        }
        this.jobs.refreshView(row.seq);
        tombstone = this.db.one<MessageRow>("SELECT * FROM messages WHERE seq = ?", row.seq) ?? tombstone;
      }
      const scrubbed = this.scrubContexts(row);
      this.changes.record([tombstone, ...scrubbed]);
      this.audit.record({ at: now, operator, action: "remove", target: `message:${row.id}`, reason });
      return {
        message: toMessage(tombstone),
        changed: true,
        updated: [tombstone, ...scrubbed].map(toMessage),
        requeued: false,
      };
    });
  }

  /** Undoes a removal within the grace period; after it the text is gone and this is a 409. */
  restore(messageId: string, operator: string, now: number): ModerationOutcome {
    return this.db.transaction(() => {
      const row = this.byId(messageId);
      if (row.removed_at === null) return unchanged(row);
      const kept = this.db.one<{ original: string; expires_at: number }>(
        "SELECT original, expires_at FROM removals WHERE message_id = ?",
        row.id,
      );
      if (!kept || kept.expires_at <= now) {
        throw goneForGood(messageId);
      }
      const original = JSON.parse(kept.original) as Original;
      // A removal that cut an unanswered message short gives it back to the queue, attempts kept.
      const requeue = original.status !== null && original.status !== row.status && row.status === "failed";
      const restored = this.db.one<MessageRow>(
        `UPDATE messages SET text = ?, username = ?, color = ?, context = ?, removed_reason = NULL,
           removed_at = NULL, status = CASE WHEN ? THEN 'pending' ELSE status END,
           error = CASE WHEN ? THEN ? ELSE error END
         WHERE seq = ? RETURNING *`,
        original.text,
        original.username,
        original.color,
        original.context,
        requeue ? 1 : 0,
        requeue ? 1 : 0,
        original.error,
        row.seq,
      );
      if (!restored) throw new Error(`restored row ${row.seq} vanished`);
      if (requeue) this.counts.moveQueue(row.entity ?? "", row.status, "pending");
      let requeuedExtra = false;
      if (row.jobs !== null && this.jobs) {
        for (const job of this.jobs.of(restored)) {
          if (job.primary_job === 1 || job.status !== "failed" || job.error !== MODERATION.removedQueueError) continue;
          this.jobs.change(job, { status: "pending", error: null });
          requeuedExtra = true;
        }
        this.jobs.refreshView(row.seq);
      }
      this.db.run("DELETE FROM removals WHERE message_id = ?", row.id);
      this.changes.record([restored]);
      this.audit.record({ at: now, operator, action: "restore", target: `message:${row.id}`, reason: "" });
      const message = toMessage(
        requeuedExtra
          ? (this.db.one<MessageRow>("SELECT * FROM messages WHERE seq = ?", row.seq) ?? restored)
          : restored,
      );
      return { message, changed: true, updated: [message], requeued: requeue || requeuedExtra };
    });
  }

  /**
   * Removes an archived message (`stored`: as its segment holds it). The segment is not touched:
   * a row in `archived_removals` makes every read of it show the tombstone, and the alarm writes
   * the tombstone into the segment when the grace period ends. Otherwise as {@link remove}: the
   * hot contexts that quote it are scrubbed, the change is logged and audited.
   */
  removeArchived(stored: Message, reason: string, operator: string, now: number): ModerationOutcome {
    return this.db.transaction(() => {
      const kept = this.archive.removal(stored.seq);
      if (kept) return unchangedMessage(JSON.parse(kept.tombstone) as Message);
      // Removed while it was hot: the segment already holds the tombstone.
      if (stored.removed) return unchangedMessage(stored);
      const removed = tombstone(stored, { reason, at: now });
      this.archive.recordRemoval({
        seq: stored.seq,
        message_id: stored.id,
        removed_at: now,
        operator,
        reason,
        expires_at: now + MODERATION.graceMs,
        tombstone: JSON.stringify(removed),
        purged_at: null,
      });
      const scrubbed = this.scrubContexts(stored);
      this.changes.record([stored, ...scrubbed]);
      this.audit.record({ at: now, operator, action: "remove", target: `message:${stored.id}`, reason });
      return { message: removed, changed: true, updated: [removed, ...scrubbed.map(toMessage)], requeued: false };
    });
  }

  /**
   * Undoes the removal of an archived message within the grace period (`stored`: as its segment
   * holds it, text and all). After the grace period the alarm has written the tombstone into the
   * segment (or is about to), and this is the same 409 as for a hot message.
   */
  restoreArchived(stored: Message, operator: string, now: number): ModerationOutcome {
    return this.db.transaction(() => {
      const kept = this.archive.removal(stored.seq);
      if (!kept) {
        if (!stored.removed) return unchangedMessage(stored);
        // Removed while hot, then archived as a tombstone: the segment no longer has the text.
        throw new RoomError(
          "conflict",
          `message "${stored.id}" was archived after its removal; its text is no longer kept, so it cannot be restored`,
        );
      }
      if (kept.purged_at !== null || kept.expires_at <= now) throw goneForGood(stored.id);
      this.archive.dropRemoval(stored.seq);
      this.changes.record([stored]);
      this.audit.record({ at: now, operator, action: "restore", target: `message:${stored.id}`, reason: "" });
      return { message: stored, changed: true, updated: [stored], requeued: false };
    });
  }

  /** Deletes the kept text of removals past their grace period: from then on it is gone for good. */
  purgeExpired(now: number): number {
    return this.db.all("DELETE FROM removals WHERE expires_at <= ? RETURNING message_id", now).length;
  }

  nextExpiry(): number | null {
    return this.db.one<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM removals")?.at ?? null;
  }

  private byId(messageId: string): MessageRow {
    const row = this.db.one<MessageRow>("SELECT * FROM messages WHERE id = ?", messageId);
    if (!row) throw new RoomError("not_found", `No message with id "${messageId}"`);
    return row;
  }

  /**
   * Drops the removed message's `username: text` line from the context of the queue (what a bot
   * will read next) and of the messages that followed it. Returns the rows it changed.
   */
  private scrubContexts(removed: { seq: number; username: string; text: string }): MessageRow[] {
    const line = `${removed.username}: ${removed.text}`;
    const candidates = new Map<number, MessageRow>();
    // One query per state, each on its partial queue index (queue-sized, never history-sized).
    const queued = [
      ...this.db.all<MessageRow>("SELECT * FROM messages WHERE status = 'pending' AND context IS NOT NULL"),
      ...this.db.all<MessageRow>("SELECT * FROM messages WHERE status = 'processing' AND context IS NOT NULL"),
    ];
    const following = this.db.all<MessageRow>(
      "SELECT * FROM messages WHERE seq > ? AND context IS NOT NULL ORDER BY seq LIMIT ?",
      removed.seq,
      CONTEXT_SCRUB_WINDOW,
    );
    for (const row of [...queued, ...following]) candidates.set(row.seq, row);
    const changed: MessageRow[] = [];
    for (const row of candidates.values()) {
      const context = JSON.parse(row.context ?? "[]") as string[];
      const kept = context.filter((l) => l.trim() !== line.trim());
      if (kept.length === context.length) continue;
      const updated = this.db.one<MessageRow>(
        "UPDATE messages SET context = ? WHERE seq = ? RETURNING *",
        JSON.stringify(kept),
        row.seq,
      );
      if (updated) changed.push(updated);
    }
    return changed.sort((a, b) => a.seq - b.seq);
  }
}

function unchanged(row: MessageRow): ModerationOutcome {
  return unchangedMessage(toMessage(row));
}

function unchangedMessage(message: Message): ModerationOutcome {
  return { message, changed: false, updated: [], requeued: false };
}

function goneForGood(messageId: string): RoomError {
  return new RoomError(
    "conflict",
    `message "${messageId}" was removed more than ${MODERATION.graceMs / 60_000} minutes ago; its text is gone for good`,
  );
}
