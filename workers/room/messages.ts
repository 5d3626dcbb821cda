import {
  type Channel,
  type CommentsPage,
  distinctUserFilters,
  LIMITS,
  type Message,
  type MessageInput,
  type UserFilter,
} from "../../types";
import { RoomError } from "../errors";
import type { Counts } from "./counts";
import type { Db } from "./db";
import { NO_EVENTS, type RoomEvents } from "./events";
import { assertSameContent } from "./idempotency";
import type { JobRow } from "./jobs";
import { type MessageRow, toMessage } from "./rows";

export type { Channel };

export interface PageFilter {
  type: Channel;
  users: UserFilter[];
}

export interface PostOptions {
  now: number;
  /** Host the request came from: the message's domain is the server's word, never the body's (F8). */
  domain: string;
  newId: () => string;
  /** Runs once the post is known to be new (not a replay), before it is stored: may throw to refuse it. */
  admit?: () => void;
  /** Seqs of archived messages whose id may be this one (H1): a hit is answered as a replay. */
  archivedCandidates?: (id: string) => number[];
}

/** A new row as {@link Messages.insert} writes it. */
export interface InsertFields {
  id: string;
  now: number;
  clientTimestamp: number | null;
  text: string;
  username: string;
  color: string;
  domain: string;
  type: "human" | "AI";
  replyTo: string | null;
  context: string[] | null;
  bot: { entity: string; priority: number; model: string | null; ais: string | null; depth?: number } | null;
  /** What the room resolved about participants (E7–E9), as stored JSON; absent for a plain message. */
  participation?: {
    depth: number | null;
    mentions: string | null;
    jobs: string | null;
    scene: string | null;
    read: string | null;
  };
}

/**
 * Who a new message addresses and which job an AI reply answers (room/participants.ts), set by
 * the Room; without it a message addresses only its `botParams.entity`, as before mentions.
 */
export interface AddressingHooks {
  store(
    fields: Omit<InsertFields, "bot" | "participation">,
    ctx: {
      botParams: InsertFields["bot"];
      answers: JobRow | null;
      read: null;
    },
  ): MessageRow;
  jobAnsweredBy(parent: MessageRow, poster: { entity?: string; username: string }): JobRow;
  answered(parent: MessageRow, job: JobRow, replyId: string): void;
}

export type PostResult = { created: boolean; message: Message } | { created: false; archived: number[] };

/**
 * The room's messages: append-only rows ordered by a server-assigned `seq`. Every read is an
 * indexed range with a LIMIT, so its cost follows what it returns, never the size of the room.
 */
export class Messages {
  /** Highest committed seq; kept in memory so an empty poll touches no rows. */
  head: number;
  lastTimestamp: number;
  addressing: AddressingHooks | null = null;

  constructor(
    private readonly db: Db,
    private readonly counts: Counts,
    private readonly events: RoomEvents = NO_EVENTS,
  ) {
    const row = db.one<{ seq: number | null; ts: number | null }>(
      "SELECT seq, ts FROM messages ORDER BY seq DESC LIMIT 1",
    );
    this.head = row?.seq ?? 0;
    this.lastTimestamp = row?.ts ?? 0;
  }

  byId(id: string): MessageRow | undefined {
    return this.db.one<MessageRow>("SELECT * FROM messages WHERE id = ?", id);
  }

  /**
   * Stores a message once per `id`; a replay with the same content returns the stored one
   * unchanged, another message under a taken id is 409 (see idempotency.ts).
   */
  post(input: MessageInput, opts: PostOptions): PostResult {
    return this.db.transaction(() => {
      if (input.id) {
        const existing = this.byId(input.id);
        if (existing) {
          const stored = toMessage(existing);
          assertSameContent(input, stored);
          return { created: false, message: stored };
        }
        const archived = opts.archivedCandidates?.(input.id) ?? [];
        if (archived.length > 0) return { created: false, archived };
      }
      opts.admit?.();
      const id = input.id ?? opts.newId();
      const type = input["message-type"] ?? "human";
      const parent = input.replyTo ? this.byId(input.replyTo) : undefined;
      if (input.replyTo && !parent) {
        if ((opts.archivedCandidates?.(input.replyTo) ?? []).length > 0) {
          throw new RoomError(
            "conflict",
            `message "${input.replyTo}" is archived (settled) and can no longer be answered`,
          );
        }
        throw new RoomError("not_found", `replyTo "${input.replyTo}" names no message in this room`);
      }
      const fields = {
        id,
        now: opts.now,
        clientTimestamp: input.timestamp ?? null,
        text: input.text,
        username: input.username,
        color: input.color,
        domain: opts.domain,
        type,
        replyTo: input.replyTo ?? null,
        context: input.context ?? null,
      };
      const botParams = input.botParams
        ? {
            entity: input.botParams.entity,
            priority: input.botParams.priority ?? LIMITS.priorityDefault,
            model: input.botParams.model ?? null,
            ais: input.botParams.ais ?? null,
          }
        : null;
      if (!this.addressing) {
        if (type === "AI" && parent?.entity != null) this.answerParent(parent, id);
        return { created: true, message: toMessage(this.insert({ ...fields, bot: botParams })) };
      }
      // An AI reply to an addressed message answers one of its jobs in this same transaction, and
      // its mentions continue that job's chain (E8).
      const answers =
        type === "AI" && parent?.entity != null
          ? this.addressing.jobAnsweredBy(parent, { entity: input.botParams?.entity, username: input.username })
          : null;
      const row = this.addressing.store(fields, { botParams, answers, read: null });
      if (answers && parent) this.addressing.answered(parent, answers, row.id);
      return { created: true, message: toMessage(row) };
    });
  }

  /**
   * An AI post that names an addressed message completes it (the documented post-then-complete
   * flow); throws 409 when that message already has its reply.
   */
  private answerParent(parent: MessageRow, replyId: string): void {
    if (parent.removed_at !== null) {
      throw new RoomError("conflict", `message "${parent.id}" was removed by a moderator; it takes no reply`);
    }
    if (parent.reply_id !== null || parent.status === "complete") {
      throw new RoomError("already_answered", `message "${parent.id}" has already been answered`);
    }
    this.markAnswered(parent, replyId, null);
  }

  /** Completes an addressed message, recording which reply (if any) and which lease answered it. */
  markAnswered(parent: MessageRow, replyId: string | null, leaseToken: string | null): void {
    this.db.run(
      `UPDATE messages SET status = 'complete', reply_id = ?, answered_token = ?, claimed_by = NULL,
         lease_expires_at = NULL, error = NULL WHERE seq = ?`,
      replyId,
      leaseToken,
      parent.seq,
    );
    this.counts.moveQueue(parent.entity ?? "", parent.status, "complete");
    if (replyId !== null) this.db.afterCommit(() => this.events.answered(parent.ts));
  }

  insert(m: InsertFields): MessageRow {
    const seq = this.head + 1;
    // Server time, never behind the previous message, so `after=` (timestamp) polling stays ordered.
    const ts = Math.max(m.now, this.lastTimestamp);
    const row = this.db.one<MessageRow>(
      `INSERT INTO messages (seq, id, ts, client_ts, text, username, color, domain, type, reply_to,
         context, entity, priority, model, ais, status, attempts, depth, mentions, jobs, scene, read)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?) RETURNING *`,
      seq,
      m.id,
      ts,
      m.clientTimestamp,
      m.text,
      m.username,
      m.color,
      m.domain,
      m.type,
      m.replyTo,
      m.context ? JSON.stringify(m.context) : null,
      m.bot?.entity ?? null,
      m.bot?.priority ?? null,
      m.bot?.model ?? null,
      m.bot?.ais ?? null,
      m.bot ? "pending" : null,
      m.participation?.depth ?? null,
      m.participation?.mentions ?? null,
      m.participation?.jobs ?? null,
      m.participation?.scene ?? null,
      m.participation?.read ?? null,
    );
    if (!row) throw new Error("INSERT … RETURNING returned no row");
    if (m.type === "AI") this.counts.bump("type:AI", 1);
    if (m.bot) this.counts.moveQueue(m.bot.entity, null, "pending");
    this.db.afterCommit(() => this.events.stored(m.type));
    // Only advance in-memory state once the statements succeeded; a throw rolls both back.
    this.head = seq;
    this.lastTimestamp = ts;
    return row;
  }

  /** Messages with seq > cursor, ascending (the polling path). */
  after(cursor: number, limit: number, filter: PageFilter): CommentsPage {
    // Nothing committed past the cursor: answer from memory without touching storage.
    if (cursor >= this.head) return { comments: [], cursor: Math.max(cursor, this.head), hasMore: false };
    const rows = this.range(filter, { above: cursor, below: null, order: "ASC", limit: limit + 1 });
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page.at(-1)?.seq;
    // With no more rows every seq up to head was considered, so the cursor can jump to head.
    return { comments: page.map(toMessage), cursor: hasMore && last ? last : this.head, hasMore };
  }

  /** The newest `limit` messages (seq ≤ head) or those before `before`, returned ascending. */
  latest(limit: number, filter: PageFilter, before: number | null = null): CommentsPage {
    const rows = this.range(filter, { above: null, below: before, order: "DESC", limit: limit + 1 });
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    const cursor = before === null ? this.head : (page[0]?.seq ?? before);
    return { comments: page.map(toMessage), cursor, hasMore };
  }

  /**
   * Legacy `after=<ms>` polling: a bare array, newest first. Timestamps never go backwards in seq
   * order (see insert), so the first newer message is found by a binary search on the primary
   * key — a few one-row reads — instead of a time index that every message would pay to write.
   */
  sinceTimestamp(ms: number, limit: number, type: Channel): Message[] {
    if (this.lastTimestamp <= ms) return [];
    const start = this.firstSeqAfter(ms);
    const rows =
      type === "ALL"
        ? this.db.all<MessageRow>("SELECT * FROM messages WHERE seq >= ? ORDER BY seq DESC LIMIT ?", start, limit)
        : this.db.all<MessageRow>(
            "SELECT * FROM messages WHERE type = ? AND seq >= ? ORDER BY seq DESC LIMIT ?",
            type,
            start,
            limit,
          );
    return rows.map(toMessage);
  }

  /** The lowest seq whose timestamp is after `ms` (head + 1 when none is). */
  private firstSeqAfter(ms: number): number {
    const tsAtOrAbove = (seq: number) =>
      this.db.one<{ seq: number; ts: number }>("SELECT seq, ts FROM messages WHERE seq >= ? ORDER BY seq LIMIT 1", seq);
    let lo = 0;
    let hi = this.head + 1;
    // Invariant: every stored seq < lo has ts <= ms; the answer is in [lo, hi].
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const row = tsAtOrAbove(mid);
      if (!row) hi = mid;
      else if (row.ts > ms) hi = mid;
      else lo = row.seq + 1;
    }
    return lo;
  }

  /** Who wrote a message (one indexed row), for conversation filters on live sockets. */
  authorOf(id: string): { username: string; color: string } | undefined {
    return this.db.one<{ username: string; color: string }>("SELECT username, color FROM messages WHERE id = ?", id);
  }

  byIds(ids: string[]): Message[] {
    const rows = ids.map((id) => this.byId(id)).filter((r): r is MessageRow => r !== undefined);
    return rows.sort((a, b) => a.seq - b.seq).map(toMessage);
  }

  /**
   * One indexed range scan per user filter (or one for none), merged. Separate scans keep each
   * on the (username, color, seq) index with its own LIMIT instead of sorting an OR'd result.
   */
  range(
    filter: PageFilter,
    r: { above: number | null; below: number | null; order: "ASC" | "DESC"; limit: number },
  ): MessageRow[] {
    const bounds: string[] = [];
    const boundArgs: number[] = [];
    if (r.above !== null) {
      bounds.push("seq > ?");
      boundArgs.push(r.above);
    }
    if (r.below !== null) {
      bounds.push("seq < ?");
      boundArgs.push(r.below);
    }
    const typeClause = filter.type === "ALL" ? [] : ["type = ?"];
    const typeArgs = filter.type === "ALL" ? [] : [filter.type];
    const scan = (userClause: string[], userArgs: string[]) => {
      const where = [...userClause, ...typeClause, ...bounds];
      const sql = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY seq ${r.order} LIMIT ?`;
      return this.db.all<MessageRow>(sql, ...userArgs, ...typeArgs, ...boundArgs, r.limit);
    };
    if (filter.users.length === 0) return scan([], []);
    const bySeq = new Map<number, MessageRow>();
    // Each pair once, whoever called: a repeated pair would repeat its scan and select nothing more.
    for (const u of distinctUserFilters(filter.users)) {
      for (const row of scan(["username = ?", "color = ?"], [u.username, u.color])) bySeq.set(row.seq, row);
    }
    const merged = [...bySeq.values()];
    merged.sort((a, b) => (r.order === "ASC" ? a.seq - b.seq : b.seq - a.seq));
    return merged.slice(0, r.limit);
  }
}
