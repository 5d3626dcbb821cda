import type { StorageUsage } from "../errors";
import { MIGRATIONS, MIGRATIONS_TABLE } from "./schema";

type SqlValue = string | number | null | ArrayBuffer;
type Row = Record<string, SqlValue>;

/**
 * A thin layer over the Durable Object's SQLite that counts the rows each statement read and
 * wrote, so every response can say what storage work it cost.
 */
export class Db {
  private readRows = 0;
  private writtenRows = 0;
  private depth = 0;
  private committed: (() => void)[] = [];

  constructor(private readonly storage: DurableObjectStorage) {}

  all<T extends Row>(query: string, ...args: SqlValue[]): T[] {
    const cursor = this.storage.sql.exec<T>(query, ...args);
    const rows = cursor.toArray();
    this.readRows += cursor.rowsRead;
    this.writtenRows += cursor.rowsWritten;
    return rows;
  }

  one<T extends Row>(query: string, ...args: SqlValue[]): T | undefined {
    return this.all<T>(query, ...args)[0];
  }

  run(query: string, ...args: SqlValue[]): void {
    this.all(query, ...args);
  }

  /** Runs `fn` atomically: everything it wrote commits together or not at all. */
  transaction<T>(fn: () => T): T {
    const mark = this.committed.length;
    this.depth++;
    let result: T;
    try {
      result = this.storage.transactionSync(fn);
    } catch (error) {
      // Rolled back: what it would have reported did not happen.
      this.committed.length = mark;
      throw error;
    } finally {
      this.depth--;
    }
    if (this.depth === 0) {
      const run = this.committed;
      this.committed = [];
      for (const fn of run) fn();
    }
    return result;
  }

  /** Runs `fn` once the enclosing transaction commits (at once outside one); never after a rollback. */
  afterCommit(fn: () => void): void {
    if (this.depth === 0) fn();
    else this.committed.push(fn);
  }

  /** Total rows read and written since the object started (monotonic). */
  totals(): StorageUsage {
    return { rowsRead: this.readRows, rowsWritten: this.writtenRows };
  }

  /** Applies the migrations not yet recorded; each object class passes its own ordered list. */
  migrate(now: number, migrations: readonly string[] = MIGRATIONS): void {
    this.storage.sql.exec(MIGRATIONS_TABLE);
    const applied = new Set(
      this.storage.sql
        .exec<{ version: number }>("SELECT version FROM schema_migrations")
        .toArray()
        .map((r) => r.version),
    );
    migrations.forEach((sql, index) => {
      const version = index + 1;
      if (applied.has(version)) return;
      this.storage.transactionSync(() => {
        this.storage.sql.exec(sql);
        this.storage.sql.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", version, now);
      });
    });
  }
}

/** Usage between two readings of {@link Db.totals}. */
export function usageSince(before: StorageUsage, after: StorageUsage): StorageUsage {
  return {
    rowsRead: after.rowsRead - before.rowsRead,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    kvWrites: (after.kvWrites ?? 0) - (before.kvWrites ?? 0),
  };
}

/** The usage of several passes of one call (a long-poll re-checks storage on every wake-up). */
export function addUsage(a: StorageUsage, b: StorageUsage): StorageUsage {
  return {
    rowsRead: a.rowsRead + b.rowsRead,
    rowsWritten: a.rowsWritten + b.rowsWritten,
    kvWrites: (a.kvWrites ?? 0) + (b.kvWrites ?? 0),
  };
}
