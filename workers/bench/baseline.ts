import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../app-env";

/**
 * The floor the benchmarks measure the API against: the same Worker doing a bare SQLite insert or
 * a bare indexed read in a Durable Object, with none of the API's validation, queue or snapshot.
 * It exists only in the bench build (workers/bench/index.ts, wrangler.bench.toml), never in production.
 */
export class BenchBaseline extends DurableObject<Bindings> {
  private head = 0;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS rows (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    this.head = ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM rows").one().s ?? 0;
  }

  insert(body: string): number {
    this.head += 1;
    this.ctx.storage.sql.exec("INSERT INTO rows (seq, body) VALUES (?, ?)", this.head, body);
    return this.head;
  }

  readAfter(cursor: number, limit: number): string[] {
    return this.ctx.storage.sql
      .exec<{ body: string }>("SELECT body FROM rows WHERE seq > ? ORDER BY seq LIMIT ?", cursor, limit)
      .toArray()
      .map((r) => r.body);
  }
}
