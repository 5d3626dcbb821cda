import type { ArchiveStats, Message } from "../../types";
import { RoomError } from "../errors";
import type { ArchiveOptions } from "./archive-options";
import type { Counts } from "./counts";
import type { Db } from "./db";
import { type MessageRow, toMessage } from "./rows";
import {
  CorruptSegment,
  decodeSegment,
  encodeSegment,
  fromSegment,
  idHash,
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

export type ArchiveRun = NonNullable<ArchiveStats["lastRun"]>;

/** A settled message: never pending or processing, so its archived copy never goes stale. */
const SETTLED = "(status IS NULL OR status IN ('complete', 'failed'))";
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
   * A segment's messages. An R2 failure is a 503 (never a silently short page); a corrupt or
   * missing segment is logged and recorded by name, and reads go on without it.
   */
  async read(segment: SegmentRow): Promise<Message[]> {
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
      if (!object) throw new CorruptSegment(segment.key, "the object is missing from R2");
      const decoded = await decodeSegment(segment.key, object.body, {
        firstSeq: segment.first_seq,
        lastSeq: segment.last_seq,
        count: segment.count,
      });
      const messages = decoded.messages.map(fromSegment);
      this.remember(segment.key, messages);
      return messages;
    } catch (error) {
      if (!(error instanceof CorruptSegment)) throw error;
      console.error(`[archive] ${error.message}`);
      this.db.run("UPDATE archive_segments SET corrupt = ? WHERE last_seq = ?", error.message, segment.last_seq);
      return [];
    }
  }

  /** Seqs whose archived id may be `id` (a hash hit; confirmed by {@link findArchived}). */
  candidates(id: string): number[] {
    return this.db.all<{ seq: number }>("SELECT seq FROM archived_ids WHERE hash = ?", idHash(id)).map((r) => r.seq);
  }

  /** The archived message with this id, if any. */
  async findArchived(id: string, seqs: number[]): Promise<Message | null> {
    for (const seq of seqs) {
      const segment = this.db.one<SegmentRow>(
        "SELECT * FROM archive_segments WHERE last_seq >= ? ORDER BY last_seq LIMIT 1",
        seq,
      );
      if (!segment || segment.first_seq > seq) continue;
      const found = (await this.read(segment)).find((m) => m.seq === seq && m.id === id);
      if (found) return found;
      if (segment.corrupt !== null || this.isCorrupt(segment.last_seq)) {
        throw new RoomError("unavailable", `Message "${id}" is in a damaged archive segment (${segment.key})`);
      }
    }
    return null;
  }

  private isCorrupt(lastSeq: number): boolean {
    return (
      this.db.one<{ c: string | null }>("SELECT corrupt AS c FROM archive_segments WHERE last_seq = ?", lastSeq)?.c !=
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
        .all<{ key: string; corrupt: string }>(
          "SELECT key, corrupt FROM archive_segments WHERE corrupt IS NOT NULL ORDER BY last_seq DESC LIMIT 20",
        )
        .map((r) => ({ key: r.key, error: r.corrupt })),
      lastRun: lastRun ? (JSON.parse(lastRun) as ArchiveRun) : null,
    };
  }
}

function matches(segment: SegmentRow, keys: string[] | null): boolean {
  if (!keys) return true;
  const summary = JSON.parse(segment.summary) as SegmentSummary;
  return keys.some((k) => summary.users.includes(k) || summary.types.includes(k));
}
