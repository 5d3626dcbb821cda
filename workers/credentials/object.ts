import { DurableObject } from "cloudflare:workers";
import { type BotTokenInfo, type EntityScope, storedEntityScopeSchema } from "../../types";
import type { Bindings } from "../app-env";
import { RoomError, type RoomResult } from "../errors";
import { Db } from "../room/db";
import { UnitOfWork } from "../unit-of-work";
import { CREDENTIALS_MIGRATIONS } from "./schema";

interface TokenRow extends Record<string, string | number | null> {
  name: string;
  entities: string;
  created_at: number;
  revoked_at: number | null;
}

export interface TokenHolder {
  name: string;
  scope: EntityScope;
}

/**
 * The one registry of named bot tokens, a singleton Durable Object (SQLite). It is the single
 * writer, so its in-memory map of live hashes is exact: a revoke removes the entry in the same
 * call that commits it, and the next lookup (every request carries one) refuses the token.
 */
export class Credentials extends DurableObject<Bindings> {
  private readonly db: Db;
  private live = new Map<string, TokenHolder>();
  private readonly work = new UnitOfWork({ measure: () => this.db.totals() });

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.db = new Db(ctx.storage);
    ctx.blockConcurrencyWhile(async () => {
      this.db.migrate(Date.now(), CREDENTIALS_MIGRATIONS);
      const rows = this.db.all<TokenRow & { hash: string }>(
        "SELECT name, entities, hash, created_at, revoked_at FROM bot_tokens WHERE revoked_at IS NULL",
      );
      this.live = new Map(rows.map((r) => [r.hash, { name: r.name, scope: parseScope(r.entities) }]));
    });
  }

  /** Who holds the token with this SHA-256 hash, or null (unknown or revoked). */
  lookup(hash: string): TokenHolder | null {
    return this.live.get(hash) ?? null;
  }

  create(name: string, scope: EntityScope, hash: string): RoomResult<BotTokenInfo> {
    return this.run(() => {
      if (this.db.one("SELECT 1 AS x FROM bot_tokens WHERE name = ? AND revoked_at IS NULL", name)) {
        throw new RoomError("conflict", `a live token named "${name}" exists; revoke it first or pick another name`);
      }
      const now = Date.now();
      this.db.run(
        "INSERT INTO bot_tokens (name, entities, hash, created_at) VALUES (?, ?, ?, ?)",
        name,
        JSON.stringify(scope),
        hash,
        now,
      );
      this.live.set(hash, { name, scope });
      return { name, entities: scope, createdAt: now, revokedAt: null };
    });
  }

  /** Live tokens first (newest first), then the revoked ones, kept for the audit trail. */
  list(): RoomResult<BotTokenInfo[]> {
    return this.run(() =>
      this.db
        .all<TokenRow>(
          `SELECT name, entities, created_at, revoked_at FROM bot_tokens
           ORDER BY revoked_at IS NOT NULL, COALESCE(revoked_at, created_at) DESC LIMIT 500`,
        )
        .map(toInfo),
    );
  }

  revoke(name: string): RoomResult<BotTokenInfo> {
    return this.run(() => {
      const row = this.db.one<TokenRow & { hash: string }>(
        "SELECT name, entities, hash, created_at, revoked_at FROM bot_tokens WHERE name = ? AND revoked_at IS NULL",
        name,
      );
      if (!row) throw new RoomError("not_found", `no live token named "${name}"`);
      const now = Date.now();
      this.db.run("UPDATE bot_tokens SET revoked_at = ? WHERE hash = ?", now, row.hash);
      this.live.delete(row.hash);
      return toInfo({ ...row, revoked_at: now });
    });
  }

  /** Each call is one transaction: a refused create or revoke writes nothing. */
  private run<T>(fn: () => T): RoomResult<T> {
    return this.work.run(() => ({ value: this.db.transaction(fn) }));
  }
}

function parseScope(stored: string): EntityScope {
  // Lenient: a token created before the entity id rule still lists and still works.
  return storedEntityScopeSchema.parse(JSON.parse(stored));
}

function toInfo(row: TokenRow): BotTokenInfo {
  return { name: row.name, entities: parseScope(row.entities), createdAt: row.created_at, revokedAt: row.revoked_at };
}
