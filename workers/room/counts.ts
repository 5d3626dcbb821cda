import type { Db } from "./db";

/** Queue states that are derived from the queue index instead of stored (see Counts). */
const LIVE_STATES = new Set(["pending", "processing"]);

/**
 * The room's totals, each obtained the cheapest exact way, because every SQLite row written is
 * billed ($1 per million) and rows read cost a thousandth of that:
 * - stored, in the same transaction as the change they count: `type:AI`, `q:<entity>:complete`,
 *   `q:<entity>:failed`, and the archive's and legacy flow's keys;
 * - derived: `type:human` = head − AI (seq is dense: every message takes the next one, and only
 *   archiving removes rows, which counts keep), and `q:<entity>:pending|processing` counted from
 *   the queue index (they read the queue, not the history).
 * So a human message writes no count row, and a question moves through the queue with one.
 */
export class Counts {
  constructor(
    private readonly db: Db,
    private readonly head: () => number,
  ) {}

  bump(key: string, delta: number): void {
    if (key === "type:human") return;
    this.db.run(
      "INSERT INTO counts (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n",
      key,
      delta,
    );
  }

  moveQueue(entity: string, from: string | null, to: string): void {
    if (from === to) return;
    if (from && !LIVE_STATES.has(from)) this.bump(`q:${entity}:${from}`, -1);
    if (!LIVE_STATES.has(to)) this.bump(`q:${entity}:${to}`, 1);
  }

  /**
   * Just these keys (absent ones are missing from the map). Stored keys only, plus `type:human`
   * when asked: the archive checks this on every alarm, and needs no queue count.
   */
  some(keys: string[]): Map<string, number> {
    if (keys.some((k) => /:(pending|processing)$/.test(k))) {
      const all = this.all();
      return new Map(keys.flatMap((k) => (all.has(k) ? [[k, all.get(k) ?? 0] as const] : [])));
    }
    const wanted = keys.includes("type:human") ? [...new Set([...keys, "type:AI"])] : keys;
    const rows = this.db.all<{ key: string; n: number }>(
      `SELECT key, n FROM counts WHERE key IN (${wanted.map(() => "?").join(",")})`,
      ...wanted,
    );
    const counts = new Map(rows.map((r) => [r.key, r.n]));
    if (keys.includes("type:human")) counts.set("type:human", this.head() - (counts.get("type:AI") ?? 0));
    return new Map(keys.flatMap((k) => (counts.has(k) ? [[k, counts.get(k) ?? 0] as const] : [])));
  }

  all(): Map<string, number> {
    const counts = new Map(
      this.db.all<{ key: string; n: number }>("SELECT key, n FROM counts").map((r) => [r.key, r.n]),
    );
    counts.set("type:human", this.head() - (counts.get("type:AI") ?? 0));
    // Literal states, so each count reads its own partial index: the queue, never the history.
    // A message's further jobs (E7) are counted from their own table's partial indexes.
    const live = ["messages", "jobs"].flatMap((table) => [
      ...this.db.all<{ entity: string; status: string; n: number }>(
        `SELECT entity, 'pending' AS status, COUNT(*) AS n FROM ${table} WHERE status = 'pending' GROUP BY entity`,
      ),
      ...this.db.all<{ entity: string; status: string; n: number }>(
        `SELECT entity, 'processing' AS status, COUNT(*) AS n FROM ${table} WHERE status = 'processing' GROUP BY entity`,
      ),
    ]);
    for (const row of live) {
      const key = `q:${row.entity}:${row.status}`;
      counts.set(key, (counts.get(key) ?? 0) + row.n);
    }
    return counts;
  }
}
