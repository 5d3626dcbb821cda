import type { Message } from "../../types";
import type { Db } from "./db";
import { type MessageRow, toMessage } from "./rows";

export interface ChangesPage {
  /** Current copies of the messages changed after the rev asked for, ascending by rev, each id once. */
  updated: Message[];
  /** The rev these changes bring a reader up to. */
  rev: number;
  /** More changes remain after `rev` (read again from there). */
  hasMore: boolean;
}

/**
 * The log of in-place changes (a removal, a restore, a scrubbed context). Appending messages by
 * seq cannot tell a client that an old row changed, so each in-place change gets a rev here; a
 * poller or the KV snapshot reader asks for the changes after the rev it has seen.
 */
export class Changes {
  /** Highest rev written; in memory so a poll with nothing changed reads no rows. */
  head: number;

  constructor(private readonly db: Db) {
    this.head = db.one<{ rev: number | null }>("SELECT MAX(rev) AS rev FROM changes")?.rev ?? 0;
  }

  /** Records that these rows changed. Call inside the transaction that changed them. */
  record(rows: readonly Pick<MessageRow, "id" | "seq">[]): void {
    let head = this.head;
    for (const row of rows) {
      const written = this.db.one<{ rev: number }>(
        "INSERT INTO changes (message_id, seq) VALUES (?, ?) RETURNING rev",
        row.id,
        row.seq,
      );
      if (written) head = written.rev;
    }
    this.head = head;
  }

  /**
   * The messages changed after `rev`, as they stand now, at most `limit` changes. `archived`
   * lists the changed seqs that are no longer hot rows: the caller reads them from the archive.
   */
  since(rev: number, limit: number): ChangesPage & { archived: number[] } {
    if (rev >= this.head) return { updated: [], rev: Math.max(rev, this.head), hasMore: false, archived: [] };
    const log = this.db.all<{ rev: number; message_id: string; seq: number }>(
      "SELECT rev, message_id, seq FROM changes WHERE rev > ? ORDER BY rev LIMIT ?",
      rev,
      limit + 1,
    );
    const hasMore = log.length > limit;
    const page = log.slice(0, limit);
    const seqs = [...new Set(page.map((c) => c.seq))];
    const rows: MessageRow[] = [];
    const archived: number[] = [];
    for (const seq of seqs) {
      const row = this.db.one<MessageRow>("SELECT * FROM messages WHERE seq = ?", seq);
      if (row) rows.push(row);
      else archived.push(seq);
    }
    return {
      updated: rows.map(toMessage),
      rev: hasMore ? (page.at(-1)?.rev ?? rev) : this.head,
      hasMore,
      archived,
    };
  }
}
