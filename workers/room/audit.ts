import type { AuditAction, AuditEntry } from "../../types";
import type { Db } from "./db";

/** The operators' trail: every removal, restore, mute and unmute, who did it and why. Append-only. */
export class Audit {
  constructor(private readonly db: Db) {}

  record(entry: { at: number; operator: string; action: AuditAction; target: string; reason: string }): void {
    this.db.run(
      "INSERT INTO audit (at, operator, action, target, reason) VALUES (?, ?, ?, ?, ?)",
      entry.at,
      entry.operator,
      entry.action,
      entry.target,
      entry.reason,
    );
  }

  /** The newest `limit` entries, returned oldest first (the order they happened in). */
  recent(limit: number): AuditEntry[] {
    const rows = this.db.all<{
      id: number;
      at: number;
      operator: string;
      action: string;
      target: string;
      reason: string;
    }>("SELECT * FROM audit ORDER BY id DESC LIMIT ?", limit);
    return rows.reverse().map((r) => ({ ...r, action: r.action as AuditAction }));
  }
}
