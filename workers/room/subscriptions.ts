import { distinctUserFilters, type LiveFilter, liveFilterSchema } from "../../types";
import { filterKey } from "./live-filter";

/**
 * The hibernation tag of one client address's sockets: a hash (tags are listed by the runtime;
 * the address itself stays in the attachment, for mutes), so `getWebSockets(tag)` counts them
 * without a scan of every socket (tags survive hibernation with the socket).
 */
export async function addressTag(address: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`live-address:${address}`));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `addr:${hex}`;
}

/** What each socket remembers across hibernation (its attachment, at most 2 KB). */
export interface Subscription {
  v: 1;
  /** Stable across wake-ups (the runtime hands us a new WebSocket object each time). */
  id: string;
  filter: LiveFilter;
  /** A bounded catch-up stopped early: broadcasts wait for the client's next resume. */
  paused?: boolean;
  /** The client address the Worker saw (for mutes on typing frames). */
  address?: string;
}

/** A subscription as the hub reads it: with the key its filter group's frame is cached under. */
export type KnownSubscription = Subscription & { key: string };

/**
 * Each socket's subscription, in its attachment and decoded beside it. While the object stays in
 * memory the runtime hands us the same WebSocket objects, so the decoded attachment is kept in a
 * WeakMap (a broadcast to N sockets then decodes nothing); after hibernation the objects are new,
 * the map is empty, and each socket's attachment is decoded once on first use. Every write goes
 * through write(), which updates both, so the two never disagree.
 */
export class Subscriptions {
  private readonly decoded = new WeakMap<WebSocket, KnownSubscription>();

  of(ws: WebSocket): KnownSubscription {
    const known = this.decoded.get(ws);
    if (known) return known;
    return this.remember(ws, decode(ws.deserializeAttachment() as Partial<Subscription> | null));
  }

  write(ws: WebSocket, next: Pick<Subscription, "id" | "filter" | "paused" | "address">): void {
    // Each pair once (a `filter` frame may repeat one): the same view has the same key and frame.
    const filter = { channel: next.filter.channel, users: distinctUserFilters(next.filter.users) };
    const subscription: Subscription = {
      v: 1,
      id: next.id,
      filter,
      ...(next.paused ? { paused: true } : {}),
      ...(next.address ? { address: next.address } : {}),
    };
    ws.serializeAttachment(subscription);
    this.remember(ws, subscription);
  }

  private remember(ws: WebSocket, subscription: Subscription): KnownSubscription {
    const entry = { ...subscription, key: filterKey(subscription.filter) };
    this.decoded.set(ws, entry);
    return entry;
  }
}

function decode(stored: Partial<Subscription> | null): Subscription {
  // Written only by write() from a validated filter: a shape check is enough.
  if (stored?.v === 1 && typeof stored.id === "string" && stored.filter && Array.isArray(stored.filter.users)) {
    return stored as Subscription;
  }
  const filter = liveFilterSchema.safeParse(stored?.filter ?? {});
  return {
    v: 1,
    id: typeof stored?.id === "string" ? stored.id : "unknown",
    filter: filter.success ? filter.data : { channel: "ALL", users: [] },
    paused: stored?.paused === true,
    ...(typeof stored?.address === "string" ? { address: stored.address } : {}),
  };
}
