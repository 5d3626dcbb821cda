import { LIVE, type Line } from "../../types";
import type { Db } from "./db";

/**
 * Every entity's line as it now stands: how many wait and how many are being answered (counted
 * from the partial queue indexes, as Counts does), and the first LIVE.lineMax waiting ids in
 * claim order (priority ascending, then seq: Queue.pending / claimNext). One bounded, indexed
 * query per entity that has anything waiting; the room builds this once per flush for all
 * sockets, and not at all while nobody is subscribed.
 */
export function readLines(db: Db): Line[] {
  const counts = new Map<string, { pending: number; processing: number }>();
  const at = (entity: string) => {
    let c = counts.get(entity);
    if (!c) {
      c = { pending: 0, processing: 0 };
      counts.set(entity, c);
    }
    return c;
  };
  // Literal states, so each count reads its own partial index (the queue, never the history). A
  // message's first job lives on its row, its further jobs in `jobs` (E7): both arms count.
  for (const status of ["pending", "processing"] as const) {
    for (const r of db.all<{ entity: string; n: number }>(
      `SELECT entity, COUNT(*) AS n FROM (
         SELECT entity FROM messages WHERE status = '${status}'
         UNION ALL SELECT entity FROM jobs WHERE status = '${status}'
       ) GROUP BY entity`,
    ))
      at(r.entity)[status] = r.n;
  }
  const lines: Line[] = [];
  for (const [entity, c] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (!entity) continue;
    const next =
      c.pending === 0
        ? []
        : db
            .all<{ id: string }>(
              // Each arm stops at lineMax on its own index; the merge sorts at most twice that.
              `SELECT id FROM (
                 SELECT * FROM (SELECT id, priority, seq FROM messages
                   WHERE entity = ? AND status = 'pending' ORDER BY priority, seq LIMIT ?)
                 UNION ALL
                 SELECT * FROM (SELECT message_id AS id, priority, message_seq AS seq FROM jobs
                   WHERE entity = ? AND status = 'pending' ORDER BY priority, message_seq LIMIT ?)
               ) ORDER BY priority, seq LIMIT ?`,
              entity,
              LIVE.lineMax,
              entity,
              LIVE.lineMax,
              LIVE.lineMax,
            )
            .map((r) => r.id);
    lines.push({ entity, pending: c.pending, processing: c.processing, next });
  }
  return lines;
}
