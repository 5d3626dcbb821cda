import { type EntityProfile, type EntitySeen, PRESENCE } from "../../types";
import type { Db } from "./db";

/** Don't rewrite a poller's row more often than this: bots long-poll constantly. */
const WRITE_EVERY_MS = 5_000;

/** Who polls the queue, and for which entities: the basis of "is this entity served?". */
export class Pollers {
  private readonly lastWritten = new Map<string, number>();
  private readonly lastAnnounced = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /**
   * Records a poll; true when subscribers should hear the entity list again: an entity was not
   * served just before, or they last heard of it half a served-window ago (so a page's view of
   * "served" never lapses while the bot keeps polling, at one frame per half window at most).
   */
  record(
    workerId: string | undefined,
    entities: string[] | undefined,
    now: number,
    profiles: EntityProfile[] = [],
  ): boolean {
    if (workerId) this.touch("bot", workerId, now);
    let announce = false;
    for (const entity of entities ?? []) {
      this.touch(
        "entity",
        entity,
        now,
        profiles.find((p) => p.id === entity),
      );
      const announced = this.lastAnnounced.get(entity);
      if (announced === undefined || now - announced > PRESENCE.servedWithinMs / 2) {
        this.lastAnnounced.set(entity, now);
        announce = true;
      }
    }
    return announce;
  }

  entities(): EntitySeen[] {
    return this.list("entity").map((r) => ({
      id: r.name,
      lastPolledAt: r.last_polled_at,
      ...(r.username && r.color ? { username: r.username, color: r.color } : {}),
    }));
  }

  bots(): { workerId: string; lastPolledAt: number }[] {
    return this.list("bot").map((r) => ({ workerId: r.name, lastPolledAt: r.last_polled_at }));
  }

  private touch(kind: "bot" | "entity", name: string, now: number, profile?: EntityProfile): void {
    const key = `${kind}:${name}`;
    if (now - (this.lastWritten.get(key) ?? 0) < WRITE_EVERY_MS) return;
    this.lastWritten.set(key, now);
    this.db.run(
      `INSERT INTO pollers (kind, name, last_polled_at, username, color) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, name) DO UPDATE SET last_polled_at = excluded.last_polled_at,
         username = COALESCE(excluded.username, username), color = COALESCE(excluded.color, color)`,
      kind,
      name,
      now,
      profile?.username ?? null,
      profile?.color ?? null,
    );
  }

  private list(kind: string) {
    return this.db.all<{ name: string; last_polled_at: number; username: string | null; color: string | null }>(
      `SELECT name, last_polled_at, username, color FROM pollers WHERE kind = ?
       ORDER BY last_polled_at DESC LIMIT 200`,
      kind,
    );
  }
}
