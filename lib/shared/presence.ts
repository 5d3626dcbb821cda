import type { EntitySeen } from "../../types";
import { PRESENCE } from "../../types/constants";

/** C9/E5: an entity is served when a bot asked for its work within this long. */
export const SERVED_WITHIN_MS = PRESENCE.servedWithinMs;

export function isServed(entity: EntitySeen | undefined, now: number): boolean {
  return entity !== undefined && now - entity.lastPolledAt <= SERVED_WITHIN_MS;
}

export interface EntityPresence {
  id: string;
  served: boolean;
  lastPolledAt: number | null;
  /** How the entity signs its replies, when its bot told the room. */
  username?: string;
  color?: string;
}

/** The entities bots poll for, plus the one the URL addresses even if no bot ever asked for it. */
export function entityPresence(
  seen: readonly EntitySeen[],
  addressed: string | undefined,
  now: number,
): EntityPresence[] {
  const list: EntityPresence[] = seen.map((e) => ({
    id: e.id,
    served: isServed(e, now),
    lastPolledAt: e.lastPolledAt,
    ...(e.username && e.color ? { username: e.username, color: e.color } : {}),
  }));
  if (addressed && !list.some((e) => e.id === addressed))
    list.push({ id: addressed, served: false, lastPolledAt: null });
  return list.sort((a, b) => Number(b.served) - Number(a.served) || a.id.localeCompare(b.id));
}
