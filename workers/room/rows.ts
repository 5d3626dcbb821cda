import { type Job, LIMITS, type Mention, type Message, type QueueStatus, type ReadRecord } from "../../types";

/** A `messages` row as SQLite returns it. */
export interface MessageRow extends Record<string, string | number | null> {
  seq: number;
  id: string;
  ts: number;
  client_ts: number | null;
  text: string;
  username: string;
  color: string;
  domain: string;
  type: string;
  reply_to: string | null;
  context: string | null;
  entity: string | null;
  priority: number | null;
  model: string | null;
  ais: string | null;
  status: string | null;
  attempts: number;
  claimed_by: string | null;
  lease_token: string | null;
  lease_expires_at: number | null;
  error: string | null;
  processed: number | null;
  reply_id: string | null;
  answered_token: string | null;
  removed_reason: string | null;
  removed_at: number | null;
  /** The scene depth of the row's own (first) job; null reads as 0 (rows from before scenes). */
  depth: number | null;
  /** JSON: Mention[] (absent when the text mentions no entity). */
  mentions: string | null;
  /** JSON: Job[], every job of the message, when it has several or any by mention. */
  jobs: string | null;
  /** JSON: Message["scene"] of an AI reply. */
  scene: string | null;
  /** JSON: ReadRecord of an AI reply. */
  read: string | null;
}

/** Shapes a stored row into the wire format (field names of the documented API). */
export function toMessage(row: MessageRow): Message {
  const message: Message = {
    id: row.id,
    seq: row.seq,
    timestamp: row.ts,
    text: row.text,
    username: row.username,
    color: row.color,
    domain: row.domain,
    "message-type": row.type === "AI" ? "AI" : "human",
  };
  if (row.client_ts !== null) message.clientTimestamp = row.client_ts;
  if (row.reply_to !== null) message.replyTo = row.reply_to;
  if (row.context !== null) message.context = JSON.parse(row.context) as string[];
  if (row.entity !== null) {
    const status = (row.status ?? "pending") as QueueStatus;
    message.botParams = {
      entity: row.entity,
      priority: row.priority ?? LIMITS.priorityDefault,
      status,
      attempts: row.attempts,
      claimedBy: row.claimed_by,
      leaseExpiresAt: row.lease_expires_at,
      error: row.error,
      ...(row.model !== null ? { model: row.model } : {}),
      ...(row.ais !== null ? { ais: row.ais } : {}),
      // Derived, never stored: the predecessor's bot answers what reads `processed: false`, so the
      // flag must follow the queue exactly (the legacy `processed` column is no longer read).
      processed: status === "complete" || status === "failed",
    };
  }
  if (row.mentions !== null) message.mentions = JSON.parse(row.mentions) as Mention[];
  if (row.jobs !== null) {
    const jobs = JSON.parse(row.jobs) as Job[];
    message.jobs = jobs;
    // The message is processed once every one of its jobs is settled, not only the first.
    if (message.botParams) message.botParams.processed = jobs.every((j) => settled(j.status));
  }
  if (row.scene !== null) message.scene = JSON.parse(row.scene) as NonNullable<Message["scene"]>;
  if (row.read !== null) message.read = JSON.parse(row.read) as ReadRecord;
  if (row.removed_at !== null) return tombstone(message, { reason: row.removed_reason ?? "", at: row.removed_at });
  return message;
}

/**
 * The one shape of a removed message, hot or archived: seq, id, time, type, thread and queue
 * state stay (cursors stay complete); text, identity and context go, and `removed` says why.
 */
export function tombstone(message: Message, removed: { reason: string; at: number }): Message {
  const { context: _context, ...kept } = message;
  return { ...kept, text: "", username: "", color: "", removed: { reason: removed.reason, at: removed.at } };
}

export function settled(status: string | null): boolean {
  return status === "complete" || status === "failed";
}
