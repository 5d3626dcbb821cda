import type { ArchiveStats, HistoryGap, Message } from "../../types";
import { RoomError } from "../errors";
import type { ArchiveOptions } from "./archive-options";
import type { Counts } from "./counts";
import type { Db } from "./db";
import { type MessageRow, toMessage } from "./rows";
import {
  CorruptSegment,
  damageReason,
  decodeSegment,
  encodeSegment,
  fromSegment,
  idHash,
  MISSING_OBJECT,
  type Segment,
  type SegmentSummary,
  segmentKey,
  summarize,
} from "./segment-codec";

/** One row of the segment index. */
export interface SegmentRow extends Record<string, string | number | null> {
  last_seq: number;
  first_seq: number;
  key: string;
  count: number;
  bytes: number;
  summary: string;
  created_at: number;
  corrupt: string | null;
}

/** One row of `archived_removals`: an operator removed a message after it was archived. */
export interface ArchivedRemoval extends Record<string, string | number | null> {
  seq: number;
  message_id: string;
  removed_at: number;
  operator: string;
  reason: string;
  expires_at: number;
  /** The tombstone readers see (JSON), so the change log can answer it without R2. */
  tombstone: string;
  purged_at: number | null;
}

export type ArchiveRun = NonNullable<ArchiveStats["lastRun"]>;

/** A settled message: never pending or processing, so its archived copy never goes stale. */
const SETTLED = `(status IS NULL OR status IN ('complete', 'failed'))
  AND (jobs IS NULL OR NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.message_seq = messages.seq
    AND jobs.status IN ('pending', 'processing')))`;
const CACHED_SEGMENTS = 8;

/**
 * Settled history in R2: immutable gzip segments of consecutive settled messages, listed in a
 * small SQLite index. The writer runs from the room's alarm; readers page through segments in
 * seq order. Segments cover disjoint seq ranges: messages still queued when their range was
 * archived simply stay hot (below the archive floor), and readers merge them back in.
 */
export class Archive {
  /** Highest archived seq: above it, everything is hot. */
  floor: number;
  private readonly cache = new Map<string, Message[]>();

  constructor(
    private readonly db: Db,
    private readonly bucket: R2Bucket,
    private readonly counts: Counts,
    private readonly sqlBytes: () => number,
  ) {
    this.floor = db.one<{ s: number | null }>("SELECT MAX(last_seq) AS s FROM archive_segments")?.s ?? 0;
  }

  // ── reading ────────────────────────────────────────────────────────────────────────────

  /**
   * Segments holding seqs below `before`, nearest first, limited to those whose summary has one
   * of `keys` (null: any). The first may straddle `before`.
   */
  segmentsBelow(before: number, keys: string[] | null, limit: number): SegmentRow[] {
    const out: SegmentRow[] = [];
    const straddler = this.db.one<SegmentRow>(
      "SELECT * FROM archive_segments WHERE last_seq >= ? ORDER BY last_seq LIMIT 1",
      before,
    );
    if (straddler && straddler.first_seq < before && matches(straddler, keys)) out.push(straddler);
    const rest = keys
      ? this.db.all<SegmentRow>(
          `SELECT DISTINCT s.* FROM archive_segment_keys k JOIN archive_segments s ON s.last_seq = k.last_seq
           WHERE k.key IN (${keys.map(() => "?").join(",")}) AND k.last_seq < ? ORDER BY k.last_seq DESC LIMIT ?`,
          ...keys,
          before,
          limit,
        )
      : this.db.all<SegmentRow>(
          "SELECT * FROM archive_segments WHERE last_seq < ? ORDER BY last_seq DESC LIMIT ?",
          before,
          limit,
        );
    return [...out, ...rest];
  }

  /** Segments holding seqs above `after`, nearest first, limited as in {@link segmentsBelow}. */
  segmentsAbove(after: number, keys: string[] | null, limit: number): SegmentRow[] {
    return keys
      ? this.db.all<SegmentRow>(
          `SELECT DISTINCT s.* FROM archive_segment_keys k JOIN archive_segments s ON s.last_seq = k.last_seq
           WHERE k.key IN (${keys.map(() => "?").join(",")}) AND k.last_seq > ? ORDER BY k.last_seq ASC LIMIT ?`,
          ...keys,
          after,
          limit,
        )
      : this.db.all<SegmentRow>(
          "SELECT * FROM archive_segments WHERE last_seq > ? ORDER BY last_seq ASC LIMIT ?",
          after,
          limit,
        );
  }

  /**
   * A segment's messages as readers see them (removals applied, see {@link fromSegment}). An R2
   * failure is a 503 (never a silently short page); a corrupt or missing segment is logged and
   * recorded by name, and reads go on without it.
   */
  async read(segment: SegmentRow): Promise<Message[]> {
    return this.withRemovals(segment, await this.readStored(segment));
  }

  /**
   * {@link read}, and the seqs the segment leaves out when it is damaged or gone, so a reader can
   * say exactly what is missing instead of answering a silently short page.
   */
  async readWithGaps(segment: SegmentRow): Promise<{ messages: Message[]; gaps: HistoryGap[] }> {
    const messages = await this.read(segment);
    // An intact segment is never empty: only a damaged one reads as no messages.
    if (messages.length > 0) return { messages, gaps: [] };
    const damage = segment.corrupt ?? this.damageOf(segment.last_seq);
    return { messages, gaps: damage === null ? [] : this.gapsOf(segment, damageReason(damage)) };
  }

  /**
   * The seqs a damaged segment held, as runs: its range less the rows that stayed hot (messages
   * still queued when it was archived; seqs are consecutive, so every other seq in the range was
   * archived in it). Reads only those hot rows, through the primary key.
   */
  gapsOf(segment: Pick<SegmentRow, "first_seq" | "last_seq">, reason: HistoryGap["reason"]): HistoryGap[] {
    const hot = this.db
      .all<{ seq: number }>(
        "SELECT seq FROM messages WHERE seq >= ? AND seq <= ? ORDER BY seq",
        segment.first_seq,
        segment.last_seq,
      )
      .map((r) => r.seq);
    const gaps: HistoryGap[] = [];
    let from = segment.first_seq;
    for (const seq of [...hot, segment.last_seq + 1]) {
      if (seq > from) gaps.push({ fromSeq: from, toSeq: seq - 1, reason });
      from = seq + 1;
    }
    return gaps;
  }

  /** A segment's messages exactly as its object holds them (cached), before removals apply. */
  private async readStored(segment: SegmentRow): Promise<Message[]> {
    if (segment.corrupt !== null) return [];
    const cached = this.cache.get(segment.key);
    if (cached) return cached;
    let object: R2ObjectBody | null;
    try {
      object = await this.bucket.get(segment.key);
    } catch (error) {
      console.error(`[archive] reading ${segment.key} failed`, error);
      throw new RoomError(
        "unavailable",
        `The message archive could not be read (${(error as Error).message}); older history is unavailable, try again shortly`,
      );
    }
    try {
      if (!object) throw new CorruptSegment(segment.key, MISSING_OBJECT);
      const decoded = await decodeSegment(segment.key, object.body, {
        firstSeq: segment.first_seq,
        lastSeq: segment.last_seq,
        count: segment.count,
      });
      this.remember(segment.key, decoded.messages);
      return decoded.messages;
    } catch (error) {
      if (!(error instanceof CorruptSegment)) throw error;
      this.markCorrupt(segment, error);
      return [];
    }
  }

  private markCorrupt(segment: SegmentRow, error: CorruptSegment): void {
    console.error(`[archive] ${error.message}`);
    this.db.run("UPDATE archive_segments SET corrupt = ? WHERE last_seq = ?", error.message, segment.last_seq);
  }

  /** Every read of a segment goes through here (cache hits too): a removed seq reads as its tombstone. */
  private withRemovals(segment: SegmentRow, stored: Message[]): Message[] {
    if (stored.length === 0) return stored;
    const removed = new Map(
      this.db
        .all<{ seq: number; reason: string; removed_at: number }>(
          "SELECT seq, reason, removed_at FROM archived_removals WHERE seq >= ? AND seq <= ?",
          segment.first_seq,
          segment.last_seq,
        )
        .map((r) => [r.seq, { reason: r.reason, at: r.removed_at }]),
    );
    return stored.map((m) => fromSegment(m, removed.get(m.seq)));
  }

  /** The segment whose range holds `seq`, if any. */
  private segmentOf(seq: number): SegmentRow | undefined {
    const segment = this.db.one<SegmentRow>(
      "SELECT * FROM archive_segments WHERE last_seq >= ? ORDER BY last_seq LIMIT 1",
      seq,
    );
    return segment && segment.first_seq <= seq ? segment : undefined;
  }

  /** Seqs whose archived id may be `id` (a hash hit; confirmed by {@link findArchived}). */
  candidates(id: string): number[] {
    // Nothing archived yet (most rooms): no id to find, and a post reads one statement fewer.
    if (this.floor === 0) return [];
    return this.db.all<{ seq: number }>("SELECT seq FROM archived_ids WHERE hash = ?", idHash(id)).map((r) => r.seq);
  }

  /**
   * The archived message with this id, if any, as readers see it (or, with `asStored`, as its
   * segment holds it: what a restore gives back).
   */
  async findArchived(id: string, seqs: number[], options: { asStored?: boolean } = {}): Promise<Message | null> {
    for (const seq of seqs) {
      const segment = this.segmentOf(seq);
      if (!segment) continue;
      const stored = await this.readStored(segment);
      const messages = options.asStored ? stored : this.withRemovals(segment, stored);
      const found = messages.find((m) => m.seq === seq && m.id === id);
      if (found) return found;
      if (segment.corrupt !== null || this.isCorrupt(segment.last_seq)) {
        throw new RoomError("unavailable", `Message "${id}" is in a damaged archive segment (${segment.key})`);
      }
    }
    return null;
  }

  /** Archived messages at these seqs as readers see them (the change log's archived entries). */
  async atSeqs(seqs: readonly number[]): Promise<Message[]> {
    const bySegment = new Map<number, { segment: SegmentRow; seqs: Set<number> }>();
    for (const seq of seqs) {
      const segment = this.segmentOf(seq);
      if (!segment) continue;
      const entry = bySegment.get(segment.last_seq) ?? { segment, seqs: new Set<number>() };
      entry.seqs.add(seq);
      bySegment.set(segment.last_seq, entry);
    }
    const out: Message[] = [];
    for (const { segment, seqs: wanted } of bySegment.values()) {
      out.push(...(await this.read(segment)).filter((m) => wanted.has(m.seq)));
    }
    return out;
  }

  /**
   * {@link atSeqs} without reading R2 (a live socket's catch-up is synchronous): a removed
   * message's tombstone is in SQLite; any other archived message only if its segment is cached.
   */
  atSeqsNow(seqs: readonly number[]): Message[] {
    const out: Message[] = [];
    for (const seq of seqs) {
      const removal = this.removal(seq);
      if (removal) {
        out.push(JSON.parse(removal.tombstone) as Message);
        continue;
      }
      const segment = this.segmentOf(seq);
      const cached = segment && segment.corrupt === null ? this.cache.get(segment.key) : undefined;
      const found = cached?.find((m) => m.seq === seq);
      if (found) out.push(fromSegment(found));
    }
    return out;
  }

  // ── removals of archived messages (workers/room/removals.ts decides; this keeps the rows) ──

  /**
   * The earliest grace-period end of a removal not yet written into its segment; undefined until
   * read. This class is the table's only writer and every write forgets it (a rolled-back write
   * included), so it stays exact, and the alarm scheduling that every post runs reads no row.
   */
  private removalExpiry: number | null | undefined;

  removal(seq: number): ArchivedRemoval | undefined {
    return this.db.one<ArchivedRemoval>("SELECT * FROM archived_removals WHERE seq = ?", seq);
  }

  /** Call inside the removal's transaction: from its commit, every read shows the tombstone. */
  recordRemoval(removal: ArchivedRemoval): void {
    this.db.run(
      `INSERT INTO archived_removals (seq, message_id, removed_at, operator, reason, expires_at, tombstone)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      removal.seq,
      removal.message_id,
      removal.removed_at,
      removal.operator,
      removal.reason,
      removal.expires_at,
      removal.tombstone,
    );
    this.removalExpiry = undefined;
  }

  /** A restore: the segment still holds the text, so the message reads whole again. */
  dropRemoval(seq: number): void {
    this.db.run("DELETE FROM archived_removals WHERE seq = ?", seq);
    this.removalExpiry = undefined;
  }

  /** When the next removal's grace period ends (its segment then needs rewriting). */
  nextRemovalExpiry(): number | null {
    if (this.removalExpiry === undefined) {
      this.removalExpiry =
        this.db.one<{ at: number | null }>(
          "SELECT MIN(expires_at) AS at FROM archived_removals WHERE purged_at IS NULL",
        )?.at ?? null;
    }
    return this.removalExpiry;
  }

  /**
   * Writes the tombstones of removals whose grace period ended into their segments, at most
   * `maxSegments` segments (bounded work per alarm), in the archive writer's crash-safe order:
   * rewrite the object (same key, same seq range, the tombstone in place of each such message),
   * then mark those removals purged in one transaction. A crash in between leaves them unmarked
   * and the next alarm writes the same bytes again. Only removals past their grace period go into
   * the bytes, so one still in it stays restorable. Returns whether more is due. `afterWrite` lets
   * a test fail the process between the R2 write and the transaction.
   */
  async purgeRemovals(
    now: number,
    maxSegments: number,
    hooks: { afterWrite?: () => void } = {},
  ): Promise<{ segments: number; more: boolean }> {
    const next = this.nextRemovalExpiry();
    if (next === null || next > now) return { segments: 0, more: false };
    let segments = 0;
    for (; segments < maxSegments; segments++) {
      const due = this.db.one<{ seq: number }>(
        "SELECT seq FROM archived_removals WHERE purged_at IS NULL AND expires_at <= ? ORDER BY expires_at LIMIT 1",
        now,
      );
      if (!due) return { segments, more: false };
      await this.purgeSegmentOf(due.seq, now, hooks);
    }
    const more = this.db.one(
      "SELECT seq FROM archived_removals WHERE purged_at IS NULL AND expires_at <= ? LIMIT 1",
      now,
    );
    return { segments, more: more !== undefined };
  }

  private async purgeSegmentOf(seq: number, now: number, hooks: { afterWrite?: () => void }): Promise<void> {
    const segment = this.segmentOf(seq);
    const expired = (range: { first: number; last: number }) =>
      this.db.all<ArchivedRemoval>(
        "SELECT * FROM archived_removals WHERE seq >= ? AND seq <= ? AND expires_at <= ?",
        range.first,
        range.last,
        now,
      );
    const markPurged = (seqs: number[]) => {
      for (const s of seqs) {
        this.db.run("UPDATE archived_removals SET purged_at = ? WHERE seq = ? AND purged_at IS NULL", now, s);
      }
      this.removalExpiry = undefined;
    };
    if (!segment || segment.corrupt !== null) {
      // Nothing readable holds the text any more (no segment, or one that does not decode and
      // that reads skip): there is nothing to rewrite.
      console.error(
        `[archive] removal of seq ${seq}: its segment is ${segment ? "corrupt" : "gone"}; nothing to rewrite`,
      );
      markPurged([seq]);
      return;
    }
    const removals = expired({ first: segment.first_seq, last: segment.last_seq });
    let object: R2ObjectBody | null;
    try {
      object = await this.bucket.get(segment.key);
    } catch (error) {
      throw new Error(`reading ${segment.key} to purge a removal failed: ${(error as Error).message}`);
    }
    let stored: Segment;
    try {
      if (!object) throw new CorruptSegment(segment.key, MISSING_OBJECT);
      stored = await decodeSegment(segment.key, object.body, {
        firstSeq: segment.first_seq,
        lastSeq: segment.last_seq,
        count: segment.count,
      });
    } catch (error) {
      if (!(error instanceof CorruptSegment)) throw error;
      this.markCorrupt(segment, error);
      markPurged(removals.map((r) => r.seq));
      return;
    }
    const bySeq = new Map(removals.map((r) => [r.seq, { reason: r.reason, at: r.removed_at }]));
    const messages = stored.messages.map((m) => fromSegment(m, bySeq.get(m.seq)));
    const bytes = await encodeSegment({ ...stored, messages });
    await this.bucket.put(segment.key, bytes, { httpMetadata: { contentType: "application/gzip" } });
    hooks.afterWrite?.();
    this.db.transaction(() => {
      markPurged(removals.map((r) => r.seq));
      const indexed = this.db.one<{ bytes: number }>(
        "SELECT bytes FROM archive_segments WHERE last_seq = ?",
        segment.last_seq,
      );
      this.db.run("UPDATE archive_segments SET bytes = ? WHERE last_seq = ?", bytes.byteLength, segment.last_seq);
      this.counts.bump("archive:bytes", bytes.byteLength - (indexed?.bytes ?? segment.bytes));
    });
    this.remember(segment.key, messages);
  }

  private isCorrupt(lastSeq: number): boolean {
    return this.damageOf(lastSeq) !== null;
  }

  /** What is recorded against a segment as read from the index now (null: nothing, as far as known). */
  private damageOf(lastSeq: number): string | null {
    return (
      this.db.one<{ c: string | null }>("SELECT corrupt AS c FROM archive_segments WHERE last_seq = ?", lastSeq)?.c ??
      null
    );
  }

  private remember(key: string, messages: Message[]): void {
    this.cache.delete(key);
    this.cache.set(key, messages);
    while (this.cache.size > CACHED_SEGMENTS) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  // ── writing (the alarm) ────────────────────────────────────────────────────────────────

  /** Messages in SQLite: all ever stored minus those archived (running counts, no scan). */
  hotRows(): number {
    const c = this.counts.some(["type:human", "type:AI", "archive:messages"]);
    return (c.get("type:human") ?? 0) + (c.get("type:AI") ?? 0) - (c.get("archive:messages") ?? 0);
  }

  /** Whether the hot window holds at least one whole segment more than it should. */
  due(options: ArchiveOptions): boolean {
    return this.hotRows() - options.hotMessages >= options.segmentSize;
  }

  /**
   * Archives up to `segmentsPerRun` segments while the hot window is over its limit. Returns
   * whether more is still due (the caller schedules another alarm). `afterWrite` lets a test fail
   * the process between the R2 write and the row delete.
   */
  async run(
    room: string,
    options: ArchiveOptions,
    now: number,
    hooks: { afterWrite?: () => void } = {},
  ): Promise<{ run: ArchiveRun; more: boolean }> {
    const run: ArchiveRun = { at: now, segments: 0, messages: 0, error: null };
    try {
      while (run.segments < options.segmentsPerRun && this.due(options)) {
        const n = await this.writeOne(room, options.segmentSize, now, hooks);
        if (n === 0) break;
        run.segments += 1;
        run.messages += n;
      }
    } catch (error) {
      run.error = (error as Error).message;
      console.error(`[room ${room}] archive run failed; the next alarm retries`, error);
    }
    this.db.run(
      "INSERT INTO meta (key, value) VALUES ('archive:lastRun', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      JSON.stringify(run),
    );
    return { run, more: run.error === null && this.due(options) };
  }

  /**
   * One segment, in the order that makes a crash harmless: write the R2 object, then (one
   * transaction) index it and delete its rows. A crash after the write leaves an object the
   * index does not know and rows that are still hot; the retry writes the same key again.
   */
  private async writeOne(room: string, size: number, now: number, hooks: { afterWrite?: () => void }): Promise<number> {
    const floor = this.floor;
    const rows = this.settledAbove(floor, size);
    if (rows.length < size) return 0;
    const messages = rows.map(toMessage);
    const firstSeq = messages[0]?.seq ?? 0;
    const lastSeq = messages.at(-1)?.seq ?? 0;
    const key = segmentKey(room, firstSeq, lastSeq);
    const bytes = await encodeSegment({ v: 1, room, firstSeq, lastSeq, messages });
    await this.bucket.put(key, bytes, { httpMetadata: { contentType: "application/gzip" } });
    hooks.afterWrite?.();
    return this.db.transaction(() => {
      // Other requests ran while R2 was written; if any of these rows changed (or another run
      // moved the floor) the object no longer matches: leave the rows hot and retry next time.
      const again = this.settledAbove(floor, size).map(toMessage);
      if (this.floor !== floor || JSON.stringify(again) !== JSON.stringify(messages)) return 0;
      const summary: SegmentSummary = summarize(messages);
      this.db.run(
        `INSERT INTO archive_segments (last_seq, first_seq, key, count, bytes, summary, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        lastSeq,
        firstSeq,
        key,
        messages.length,
        bytes.byteLength,
        JSON.stringify(summary),
        now,
      );
      for (const k of [...summary.types, ...summary.users]) {
        this.db.run("INSERT INTO archive_segment_keys (key, last_seq) VALUES (?, ?)", k, lastSeq);
      }
      for (const m of messages) {
        this.db.run("INSERT OR IGNORE INTO archived_ids (hash, seq) VALUES (?, ?)", idHash(m.id), m.seq);
      }
      this.db.run(`DELETE FROM messages WHERE seq > ? AND seq <= ? AND ${SETTLED}`, floor, lastSeq);
      // Their further jobs are settled too, and their state is in each message's jobs view.
      this.db.run(
        "DELETE FROM jobs WHERE message_seq > ? AND message_seq <= ? AND message_seq NOT IN (SELECT seq FROM messages WHERE seq > ? AND seq <= ?)",
        floor,
        lastSeq,
        floor,
        lastSeq,
      );
      this.counts.bump("archive:messages", messages.length);
      this.counts.bump("archive:segments", 1);
      this.counts.bump("archive:bytes", bytes.byteLength);
      this.floor = lastSeq;
      return messages.length;
    });
  }

  private settledAbove(floor: number, size: number): MessageRow[] {
    return this.db.all<MessageRow>(
      `SELECT * FROM messages WHERE seq > ? AND ${SETTLED} ORDER BY seq LIMIT ?`,
      floor,
      size,
    );
  }

  // ── monitoring ─────────────────────────────────────────────────────────────────────────

  stats(): ArchiveStats {
    const c = this.counts.some(["archive:messages", "archive:segments", "archive:bytes"]);
    const lastRun = this.db.one<{ value: string }>("SELECT value FROM meta WHERE key = 'archive:lastRun'")?.value;
    return {
      hotRows: this.hotRows(),
      hotBytes: this.sqlBytes(),
      segments: c.get("archive:segments") ?? 0,
      archivedMessages: c.get("archive:messages") ?? 0,
      archivedBytes: c.get("archive:bytes") ?? 0,
      corruptSegments: this.db
        .all<{ key: string; corrupt: string; first_seq: number; last_seq: number; count: number }>(
          `SELECT key, corrupt, first_seq, last_seq, count FROM archive_segments WHERE corrupt IS NOT NULL
           ORDER BY last_seq DESC LIMIT 20`,
        )
        .map((r) => ({
          key: r.key,
          error: r.corrupt,
          fromSeq: r.first_seq,
          toSeq: r.last_seq,
          messages: r.count,
          reason: damageReason(r.corrupt),
        })),
      lastRun: lastRun ? (JSON.parse(lastRun) as ArchiveRun) : null,
    };
  }
}

function matches(segment: SegmentRow, keys: string[] | null): boolean {
  if (!keys) return true;
  const summary = JSON.parse(segment.summary) as SegmentSummary;
  return keys.some((k) => summary.users.includes(k) || summary.types.includes(k));
}
