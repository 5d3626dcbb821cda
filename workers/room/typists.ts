import { LIVE } from "../../types";

/** How a typist is shown: a message's name and color (already validated by the frame schema). */
export interface Typist {
  username: string;
  color: string;
}

/** Who is here, as the `activity` frame says it (without its `type`). */
export interface ActivitySnapshot {
  here: number;
  typing: Typist[];
  typingCount: number;
}

/**
 * A typing frame earlier than this after the last accepted one from the same socket is dropped.
 * The client sends at most one per LIVE.typingRefreshMs; a quarter of slack keeps network jitter
 * from dropping an honest refresh (which would let the indicator lapse between two frames).
 */
export const TYPING_MIN_GAP_MS = Math.floor(LIVE.typingRefreshMs * 0.75);

/**
 * Who is typing in one room, by socket. Memory only: a typist is forgotten after
 * LIVE.typingExpiryMs without a frame, on `typing: false`, and when the socket closes; a room
 * that hibernates or is evicted forgets everyone, which is right, since nobody's frame is fresh.
 * Time is passed in (`now`), so coalescing and expiry are tested without sleeping.
 */
export class Typists {
  /** Socket id → the typist and when their last frame came; insertion order is refreshed on every frame. */
  private readonly bySocket = new Map<string, Typist & { at: number }>();
  /** Socket id → when its last typing frame was accepted (kept past `typing: false`, for the rate check). */
  private readonly lastFrameAt = new Map<string, number>();

  /**
   * Whether a typing frame from this socket is due, or comes too soon after the last one (dropped
   * silently: a client refreshing faster than agreed gains nothing and wakes nobody).
   */
  admit(socket: string, now: number): boolean {
    const last = this.lastFrameAt.get(socket);
    if (last !== undefined && now - last < TYPING_MIN_GAP_MS) return false;
    this.lastFrameAt.set(socket, now);
    if (this.lastFrameAt.size > MAX_TRACKED) this.forgetQuiet(now);
    return true;
  }

  /** `typing: true`: returns whether the set of typists changed (a new typist, or a new name or color). */
  typing(socket: string, who: Typist, now: number): boolean {
    const before = this.bySocket.get(socket);
    this.bySocket.delete(socket);
    this.bySocket.set(socket, { username: who.username, color: who.color, at: now });
    return before === undefined || before.username !== who.username || before.color !== who.color;
  }

  /** `typing: false` or the socket closed: returns whether someone stopped showing. */
  stopped(socket: string): boolean {
    return this.bySocket.delete(socket);
  }

  /** The socket is gone: forgets its rate state too. */
  closed(socket: string): boolean {
    this.lastFrameAt.delete(socket);
    return this.stopped(socket);
  }

  /** Drops typists past their expiry; returns whether any went. */
  expire(now: number): boolean {
    let gone = false;
    for (const [socket, t] of this.bySocket) {
      if (now - t.at >= LIVE.typingExpiryMs) {
        this.bySocket.delete(socket);
        gone = true;
      }
    }
    return gone;
  }

  /** When the next typist expires, or null when nobody is typing. */
  nextExpiryAt(): number | null {
    let first: number | null = null;
    for (const t of this.bySocket.values()) first = first === null ? t.at : Math.min(first, t.at);
    return first === null ? null : first + LIVE.typingExpiryMs;
  }

  /**
   * The aggregate every socket gets: distinct identities (two tabs of one person count once),
   * most recent first, at most LIVE.typingNamesMax named. Cost is the number of typists, never
   * the number of viewers.
   */
  snapshot(here: number): ActivitySnapshot {
    const seen = new Set<string>();
    const typing: Typist[] = [];
    const newestFirst = [...this.bySocket.values()].reverse();
    for (const t of newestFirst) {
      const key = `${t.username}\u0000${t.color}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (typing.length < LIVE.typingNamesMax) typing.push({ username: t.username, color: t.color });
    }
    return { here, typing, typingCount: seen.size };
  }

  private forgetQuiet(now: number): void {
    for (const [socket, at] of this.lastFrameAt) {
      if (now - at >= TYPING_MIN_GAP_MS && !this.bySocket.has(socket)) this.lastFrameAt.delete(socket);
    }
  }
}

/** Past this many sockets with a remembered frame time, quiet ones are swept. */
const MAX_TRACKED = 10_000;
