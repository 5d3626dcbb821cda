import type { CommentsPage, HistoryGap, Message } from "../../types";
import type { Archive, SegmentRow } from "./archive";
import type { Messages, PageFilter } from "./messages";
import { toMessage } from "./rows";
import { typeKey, userKey } from "./segment-codec";

/** Segment index rows fetched per step of a walk through the archive. */
const SEGMENT_BATCH = 4;

/**
 * One history over the hot rows (SQLite) and the archive (R2). A read that the hot window can
 * answer alone stays synchronous and touches exactly the rows it did before the archive
 * existed; only a read reaching below the archive floor walks segments, nearest first, and stops
 * as soon as no further segment can hold one of the messages it returns.
 */
export class History {
  constructor(
    private readonly messages: Messages,
    private readonly archive: Archive,
  ) {}

  /** Messages with seq > cursor, ascending (polling, live catch-up, exports). */
  after(cursor: number, limit: number, filter: PageFilter): CommentsPage | Promise<CommentsPage> {
    if (cursor >= this.archive.floor) return this.messages.after(cursor, limit, filter);
    return this.afterWithArchive(cursor, limit, filter);
  }

  /** The newest `limit` messages before `before` (or overall), ascending ("load more"). */
  before(limit: number, filter: PageFilter, before: number | null): CommentsPage | Promise<CommentsPage> {
    const need = limit + 1;
    const hot = this.messages.range(filter, { above: null, below: before, order: "DESC", limit: need }).map(toMessage);
    const last = hot[need - 1];
    const hotSuffices = this.archive.floor === 0 || (last !== undefined && last.seq > this.archive.floor);
    if (hotSuffices || (before !== null && before <= 1)) return this.beforePage(hot, limit, before);
    return this.beforeWithArchive(hot, limit, filter, before);
  }

  private async beforeWithArchive(
    hot: Message[],
    limit: number,
    filter: PageFilter,
    before: number | null,
  ): Promise<CommentsPage> {
    const need = limit + 1;
    const bound = before ?? Number.MAX_SAFE_INTEGER;
    const found = new Candidates(hot, "DESC", need);
    const gaps: HistoryGap[] = [];
    const keys = segmentKeys(filter);
    let from = bound;
    walk: for (;;) {
      const segments = this.archive.segmentsBelow(from, keys, SEGMENT_BATCH);
      if (segments.length === 0) break;
      for (const segment of segments) {
        // Segments come nearest first: once this one ends below every message we return, so do the rest.
        if (found.full() && found.worst() > segment.last_seq) break walk;
        const read = await this.archive.readWithGaps(segment);
        found.add(read.messages.filter((m) => m.seq < bound && visible(m, filter)));
        gaps.push(...read.gaps);
      }
      from = (segments.at(-1) as SegmentRow).first_seq;
    }
    const page = this.beforePage(found.list, limit, before);
    // The page answers for seqs from its oldest message (or the very first, when it is the last
    // page) up to `before`: damage below that belongs to the next page, which reports it itself.
    const low = page.hasMore ? (page.comments[0]?.seq ?? bound) : 1;
    return withGaps(page, gaps, low, bound - 1);
  }

  private async afterWithArchive(cursor: number, limit: number, filter: PageFilter): Promise<CommentsPage> {
    const need = limit + 1;
    const hot = this.messages.range(filter, { above: cursor, below: null, order: "ASC", limit: need }).map(toMessage);
    const found = new Candidates(hot, "ASC", need);
    const gaps: HistoryGap[] = [];
    const keys = segmentKeys(filter);
    let from = cursor;
    walk: for (;;) {
      const segments = this.archive.segmentsAbove(from, keys, SEGMENT_BATCH);
      if (segments.length === 0) break;
      for (const segment of segments) {
        if (found.full() && found.worst() < segment.first_seq) break walk;
        const read = await this.archive.readWithGaps(segment);
        found.add(read.messages.filter((m) => m.seq > cursor && visible(m, filter)));
        gaps.push(...read.gaps);
      }
      from = (segments.at(-1) as SegmentRow).last_seq;
    }
    const page = found.list.slice(0, limit);
    const hasMore = found.list.length > limit;
    const last = page.at(-1)?.seq;
    const next = hasMore && last ? last : Math.max(cursor, this.messages.head);
    // The page answers for seqs after `cursor` up to the cursor it hands back.
    return withGaps({ comments: page, cursor: next, hasMore }, gaps, cursor + 1, next);
  }

  /** Same shape as the hot-only page always had: ascending, `hasMore` until the very first message. */
  private beforePage(descending: Message[], limit: number, before: number | null): CommentsPage {
    const page = descending.slice(0, limit).reverse();
    const cursor = before === null ? this.messages.head : (page[0]?.seq ?? before);
    return { comments: page, cursor, hasMore: descending.length > limit };
  }
}

/**
 * A page with the gaps it answers for: each clipped to the seqs `low`..`high` the page covers,
 * ascending. No `gaps` field at all when there are none, so a whole page is byte for byte as before.
 */
function withGaps(page: CommentsPage, gaps: HistoryGap[], low: number, high: number): CommentsPage {
  const inPage = gaps
    .filter((g) => g.toSeq >= low && g.fromSeq <= high)
    .map((g) => ({ ...g, fromSeq: Math.max(g.fromSeq, low), toSeq: Math.min(g.toSeq, high) }))
    .sort((a, b) => a.fromSeq - b.fromSeq);
  return inPage.length === 0 ? page : { ...page, gaps: inPage };
}

/** The best `need` messages seen so far, in page order, each seq once. */
class Candidates {
  list: Message[];

  constructor(
    initial: Message[],
    private readonly order: "ASC" | "DESC",
    private readonly need: number,
  ) {
    this.list = initial.slice(0, need);
  }

  full(): boolean {
    return this.list.length >= this.need;
  }

  /** The seq of the last message kept (the one a further segment would have to beat). */
  worst(): number {
    return this.list.at(-1)?.seq ?? 0;
  }

  add(more: Message[]): void {
    if (more.length === 0) return;
    // A segment committed while we read may repeat hot rows read before it: keep each seq once.
    const bySeq = new Map(this.list.map((m) => [m.seq, m]));
    for (const m of more) bySeq.set(m.seq, m);
    const sorted = [...bySeq.values()].sort((a, b) => (this.order === "ASC" ? a.seq - b.seq : b.seq - a.seq));
    this.list = sorted.slice(0, this.need);
  }
}

/** The summary keys a filtered read needs a segment to hold (null: every segment). */
function segmentKeys(filter: PageFilter): string[] | null {
  if (filter.users.length > 0) return filter.users.map((u) => userKey(u.username, u.color));
  if (filter.type !== "ALL") return [typeKey(filter.type)];
  return null;
}

function visible(m: Message, filter: PageFilter): boolean {
  if (filter.type !== "ALL" && m["message-type"] !== filter.type) return false;
  if (filter.users.length === 0) return true;
  return filter.users.some((u) => u.username === m.username && u.color === m.color);
}
