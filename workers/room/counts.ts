import type { Db } from "./db";

/**
 * Running totals kept in the same transaction as the change they count, so stats never need to
 * scan the messages table. Keys: `type:<human|AI>`, `q:<entity>:<status>`.
 */
export class Counts {
  constructor(private readonly db: Db) {}

  bump(key: string, delta: number): void {
    this.db.run(
      "INSERT INTO counts (key, n) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET n = n + excluded.n",
      key,
      delta,
    );
  }

  moveQueue(entity: string, from: string | null, to: string): void {
    if (from === to) return;
    if (from) this.bump(`q:${entity}:${from}`, -1);
    this.bump(`q:${entity}:${to}`, 1);
  }

  /** Just these keys (absent ones are missing from the map). */
  some(keys: string[]): Map<string, number> {
    const rows = this.db.all<{ key: string; n: number }>(
      `SELECT key, n FROM counts WHERE key IN (${keys.map(() => "?").join(",")})`,
      ...keys,
    );
    return new Map(rows.map((r) => [r.key, r.n]));
  }

  all(): Map<string, number> {
    return new Map(this.db.all<{ key: string; n: number }>("SELECT key, n FROM counts").map((r) => [r.key, r.n]));
  }
}
