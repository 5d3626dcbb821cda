import { type Mute, type MuteTarget, normalizeName } from "../../types";
import { RoomError } from "../errors";
import type { Db } from "./db";

interface MuteRow extends Record<string, string | number> {
  kind: string;
  target: string;
  until: number;
  reason: string;
  operator: string;
  created_at: number;
}

/** How a target is keyed: one row per address or exact identity, so muting again replaces the end. */
function key(target: MuteTarget): { kind: "address" | "identity"; target: string } {
  return "address" in target
    ? { kind: "address", target: target.address }
    : // The schemas already hand over NFC names (types/names.ts); normalizing again keeps a caller
      // that skipped them from muting or checking a different spelling of the same name.
      { kind: "identity", target: `${normalizeName(target.username)}:${target.color}` };
}

function toMute(row: MuteRow): Mute {
  const target: MuteTarget =
    row.kind === "address"
      ? { address: row.target }
      : {
          // A color never contains ":", so the last ":" splits a name that may contain one.
          username: row.target.slice(0, row.target.lastIndexOf(":")),
          color: row.target.slice(row.target.lastIndexOf(":") + 1),
        };
  return { target, until: row.until, reason: row.reason, operator: row.operator, createdAt: row.created_at };
}

/**
 * Posting bans with an end time, in SQLite so they survive the room being evicted. A check is
 * two primary-key lookups, made inside the post transaction — and none at all while no mute is
 * in force, which is nearly always: the room remembers the latest end of any mute it holds.
 */
export class Mutes {
  /** The latest `until` of any stored mute (0 when none); only this object writes the table. */
  private latestUntil: number;

  constructor(private readonly db: Db) {
    this.latestUntil = this.readLatestUntil();
  }

  set(target: MuteTarget, until: number, reason: string, operator: string, now: number): Mute {
    const k = key(target);
    const row = this.db.one<MuteRow>(
      `INSERT INTO mutes (kind, target, until, reason, operator, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, target) DO UPDATE SET until = excluded.until, reason = excluded.reason,
         operator = excluded.operator, created_at = excluded.created_at
       RETURNING *`,
      k.kind,
      k.target,
      until,
      reason,
      operator,
      now,
    );
    if (!row) throw new Error("INSERT … RETURNING returned no row");
    // A re-mute may shorten an earlier one, so read the table's latest end rather than guess.
    this.latestUntil = this.readLatestUntil();
    return toMute(row);
  }

  /** Lifts a mute; false when none was active (a harmless replay). */
  lift(target: MuteTarget, now: number): boolean {
    const k = key(target);
    const gone = this.db.all<MuteRow>("DELETE FROM mutes WHERE kind = ? AND target = ? RETURNING *", k.kind, k.target);
    this.latestUntil = this.readLatestUntil();
    return gone.some((r) => r.until > now);
  }

  /** Refuses a post from a muted address or identity with a message that says until when. */
  check(post: { address: string | null; username: string; color: string }, now: number): void {
    if (this.latestUntil <= now) return;
    const hits = [
      post.address === null ? undefined : this.find({ address: post.address }, now),
      this.find({ username: post.username, color: post.color }, now),
    ].filter((m): m is MuteRow => m !== undefined);
    if (hits.length === 0) return;
    const until = Math.max(...hits.map((m) => m.until));
    const who = hits.some((m) => m.kind === "address") ? "this address" : `${post.username}`;
    throw new RoomError(
      "muted",
      `A moderator muted ${who} until ${new Date(until).toISOString()}; nothing was posted.`,
    );
  }

  /**
   * Whether the address or identity is muted now, without an error (a typing frame is dropped,
   * not refused). Free while no mute is in force, like check().
   */
  isMuted(who: { address: string | null; username: string; color: string }, now: number): boolean {
    if (this.latestUntil <= now) return false;
    return (
      (who.address !== null && this.find({ address: who.address }, now) !== undefined) ||
      this.find({ username: who.username, color: who.color }, now) !== undefined
    );
  }

  /** Mutes still in force, soonest to end first. Expired rows are dropped here, not on the post path. */
  list(now: number): Mute[] {
    this.db.run("DELETE FROM mutes WHERE until <= ?", now);
    const rows = this.db.all<MuteRow>("SELECT * FROM mutes ORDER BY until");
    this.latestUntil = rows.at(-1)?.until ?? 0;
    return rows.map(toMute);
  }

  private readLatestUntil(): number {
    return this.db.one<{ until: number | null }>("SELECT MAX(until) AS until FROM mutes")?.until ?? 0;
  }

  private find(target: MuteTarget, now: number): MuteRow | undefined {
    const k = key(target);
    return this.db.one<MuteRow>(
      "SELECT * FROM mutes WHERE kind = ? AND target = ? AND until > ?",
      k.kind,
      k.target,
      now,
    );
  }
}
