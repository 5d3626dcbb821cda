import { LIVE, type Line, type ServerEvent } from "../../types";
import { Coalescer, type Timers } from "./coalescer";
import { type Typist, Typists } from "./typists";

/** What presence reads from the room. */
export interface PresenceSource {
  /** The room's open sockets (one per page). */
  sockets(): WebSocket[];
  /** Every entity's line as it now stands (one bounded query per entity with work). */
  lines(): Line[];
  /** Whether a moderator muted this identity or client address (checked like a post). */
  muted(who: Typist & { address: string | null }): boolean;
}

/** What a typing frame may lead to for the socket that sent it (nothing else is ever sent back). */
export type TypingVerdict = "shown" | "dropped" | "muted";

/**
 * Who is here, at a cost that stays flat: the viewer count and the typists go out as one small
 * `activity` frame, and every entity's line as one `lines` frame. Each is built once per flush —
 * at most one per LIVE.activityIntervalMs per room — and the same string is sent to every socket,
 * so a broadcast costs one send per socket and nothing else. Nothing here touches SQLite but the
 * lines query (and a mute lookup while a mute is in force).
 */
export class Presence {
  private readonly typists = new Typists();
  private readonly activity: Coalescer;
  private readonly lineFlush: Coalescer;
  /** The last activity frame sent: an unchanged one is not sent again. */
  private lastActivity: string | null = null;
  /** The lines frame as the queue now stands; null once the queue moved (rebuilt on demand). */
  private currentLines: string | null = null;

  constructor(
    private readonly source: PresenceSource,
    private readonly timers: Timers,
  ) {
    this.activity = new Coalescer(timers, LIVE.activityIntervalMs, () => this.flushActivity());
    this.lineFlush = new Coalescer(timers, LIVE.activityIntervalMs, () => this.flushLines());
  }

  /** A new socket learns the count and the lines at once; the others hear of it with the next flush. */
  accepted(ws: WebSocket): void {
    this.sendRaw(ws, this.activityFrame());
    const lines = this.linesFrame();
    // A page starts with no lines: an empty frame would tell it nothing.
    if (lines !== NO_LINES) this.sendRaw(ws, lines);
    this.activity.changed();
  }

  closed(socket: string): void {
    this.typists.closed(socket);
    this.activity.changed();
  }

  /** A validated typing frame from `socket`, whose client address the Worker passed in. */
  typing(socket: string, address: string | null, frame: Typist & { typing: boolean }): TypingVerdict {
    const now = this.timers.now();
    // A stop is never early (it follows a send at once); only a shown typist's stop changes anything.
    if (!frame.typing) {
      if (this.typists.stopped(socket)) this.activity.changed();
      return "shown";
    }
    if (!this.typists.admit(socket, now)) return "dropped";
    const who = { username: frame.username, color: frame.color };
    if (this.source.muted({ ...who, address })) {
      // A muted person's name is not shown; a typist they were before goes with it.
      if (this.typists.stopped(socket)) this.activity.changed();
      return "muted";
    }
    if (this.typists.typing(socket, who, now)) this.activity.changed();
    const expiry = this.typists.nextExpiryAt();
    if (expiry !== null) this.activity.later(expiry);
    return "shown";
  }

  /** The queue moved: the lines frame is rebuilt (once, coalesced) if anyone is watching. */
  queueMoved(): void {
    this.currentLines = null;
    if (this.source.sockets().length > 0) this.lineFlush.changed();
  }

  private flushActivity(): void {
    this.typists.expire(this.timers.now());
    const frame = this.activityFrame();
    const sockets = this.source.sockets();
    if (frame !== this.lastActivity && sockets.length > 0) {
      this.lastActivity = frame;
      for (const ws of sockets) this.sendRaw(ws, frame);
    }
    const expiry = this.typists.nextExpiryAt();
    if (expiry !== null) this.activity.later(expiry);
  }

  private flushLines(): void {
    const sockets = this.source.sockets();
    if (sockets.length === 0) return;
    const frame = this.linesFrame();
    for (const ws of sockets) this.sendRaw(ws, frame);
  }

  private activityFrame(): string {
    const event: ServerEvent = { type: "activity", ...this.typists.snapshot(this.source.sockets().length) };
    return JSON.stringify(event);
  }

  /** The current lines frame, built at most once per queue change. */
  private linesFrame(): string {
    if (this.currentLines === null) {
      const event: ServerEvent = { type: "lines", lines: this.source.lines() };
      this.currentLines = JSON.stringify(event);
    }
    return this.currentLines;
  }

  private sendRaw(ws: WebSocket, frame: string): void {
    try {
      ws.send(frame);
    } catch {
      // Closing or closed: the next flush counts without it.
    }
  }
}

const NO_LINES = JSON.stringify({ type: "lines", lines: [] } satisfies ServerEvent);
