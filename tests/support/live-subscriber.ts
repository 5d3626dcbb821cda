// A live subscriber that behaves like a well-written client of the push protocol (types/live.ts):
// it keeps the highest cursor it has been given, ignores anything at or below it, and after every
// drop reconnects with `?cursor=` (backoff with jitter). It records what it accepted, so a test
// can assert "every message exactly once, in seq order", and what the wire sent that it had to
// ignore, so a test can see whether the server ever repeated itself.
import { KeepAlive } from "../../lib/chat/keep-alive.ts";
import { LIVE, type ServerEvent, serverEventSchema } from "../../types/live.ts";
import type { Message } from "../../types/message.ts";
import { clientAddressFor, webSocketAs } from "./client-address.ts";

export interface SubscriberStats {
  /** Accepted seqs, in the order they arrived (strictly increasing by construction). */
  seqs: number[];
  /** Messages the wire delivered at or below the cursor (already had them). */
  ignored: number;
  /** Successful connections (hello received). */
  connects: number;
  /** Error events (e.g. cursor_ahead) by code. */
  errors: Map<string, number>;
  /** Frames that did not parse as a server event (a protocol bug if ever non-zero). */
  badFrames: number;
  /** Connection attempts abandoned because no hello came in time. */
  timeouts: number;
  /** Frames this client sent (keep-alive pings): requests, for a cost count. */
  framesSent: number;
}

export interface LiveSubscriberOptions {
  /** `http://host:port` of the Worker (or a proxy in front of it). */
  origin: () => string;
  room: string;
  /** Names this subscriber's connections (`sub=` in the URL, for the cut proxy). */
  name: string;
  /** Where to start; 0 = from the room's first message. */
  cursor?: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  onAccepted?: (message: Message, receivedAt: number) => void;
  /** No hello within this long: abandon the attempt and reconnect (default 5 s). */
  connectTimeoutMs?: number;
  /** Keep the socket alive as the app does (lib/chat/keep-alive.ts: ping only after this long without a frame); off when absent. */
  keepAliveIdleMs?: number;
  /**
   * The client address the Worker sees (`cf-connecting-ip`, which wrangler dev passes through).
   * By default each subscriber is a client of its own, as real viewers are: a room caps the
   * sockets one address may hold (LIVE.maxSocketsPerAddress).
   */
  clientAddress?: string;
}

export class LiveSubscriber {
  readonly stats: SubscriberStats = {
    seqs: [],
    ignored: 0,
    connects: 0,
    errors: new Map(),
    badFrames: 0,
    framesSent: 0,
    timeouts: 0,
  };
  private cursor: number;
  private ws: WebSocket | null = null;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private keepAlive: KeepAlive | null = null;

  private readonly options: LiveSubscriberOptions;

  constructor(options: LiveSubscriberOptions) {
    this.options = options;
    this.cursor = options.cursor ?? 0;
  }

  get lastCursor(): number {
    return this.cursor;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    if (this.options.keepAliveIdleMs) {
      this.keepAlive = new KeepAlive({
        idleMs: this.options.keepAliveIdleMs,
        ping: () => {
          if (this.ws?.readyState !== WebSocket.OPEN) return;
          this.ws.send(LIVE.ping);
          this.stats.framesSent++;
        },
        dead: () => {
          if (this.ws) this.retire(this.ws);
        },
      });
    }
    this.connect();
  }

  /** Closes the socket politely (1000); the subscriber reconnects with its cursor. */
  /** Sends a client frame (e.g. `typing`) if connected; not counted in `framesSent` (keep-alives). */
  send(frame: object): boolean {
    if (this.ws?.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  closeAndReconnect(): void {
    this.ws?.close(1000, "test drop");
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.keepAlive?.stop();
    this.ws?.close(1000, "done");
    this.ws = null;
  }

  private url(): string {
    const origin = this.options.origin().replace(/^http/, "ws");
    const q = new URLSearchParams({ room: this.options.room, cursor: String(this.cursor), sub: this.options.name });
    return `${origin}/api/live?${q}`;
  }

  private connect(): void {
    if (this.stopped) return;
    let ws: WebSocket;
    try {
      ws = webSocketAs(this.url(), this.options.clientAddress ?? clientAddressFor(this.options.name));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // A server that died mid-handshake, or one still starting, may never answer: give up on this
    // attempt and try again, as partysocket's connectionTimeout does in the app.
    let greeted = false;
    const handshakeTimer = setTimeout(() => {
      if (!greeted && this.ws === ws) {
        this.stats.timeouts++;
        // Do not wait for a close event: a socket closed while still connecting may never send one.
        this.retire(ws);
      }
    }, this.options.connectTimeoutMs ?? 5_000);
    // A socket that was told "there is more" is abandoned and reopened from its cursor: the
    // reopened socket's catch-up is atomic with its hello, so no broadcast can interleave.
    let abandoned = false;
    ws.addEventListener("message", (event) => {
      if (abandoned || this.ws !== ws) return;
      this.keepAlive?.heard();
      const parsed = parse(event.data);
      if (parsed?.type === "hello") {
        greeted = true;
        clearTimeout(handshakeTimer);
      }
      if (!parsed) {
        this.stats.badFrames++;
        return;
      }
      if (this.handle(parsed) === "reopen") {
        abandoned = true;
        this.retire(ws);
      }
    });
    ws.addEventListener("close", () => {
      clearTimeout(handshakeTimer);
      if (this.ws === ws) this.retire(ws);
    });
    ws.addEventListener("error", () => {
      // Node 22's WebSocket (undici) fires only `error` when the connection is refused and stays
      // CONNECTING without a close event, so an error lets go of the socket itself.
      clearTimeout(handshakeTimer);
      this.retire(ws);
    });
  }

  private handle(event: ServerEvent): "reopen" | undefined {
    switch (event.type) {
      case "hello":
        this.stats.connects++;
        this.failures = 0;
        return;
      case "messages": {
        const receivedAt = Date.now();
        for (const m of event.messages) {
          if (m.seq <= this.cursor) {
            this.stats.ignored++;
            continue;
          }
          this.cursor = m.seq;
          this.stats.seqs.push(m.seq);
          this.options.onAccepted?.(m, receivedAt);
        }
        // The event's cursor: every seq up to it has been considered for this socket.
        this.cursor = Math.max(this.cursor, event.cursor);
        return event.hasMore ? "reopen" : undefined;
      }
      case "error":
        this.stats.errors.set(event.code, (this.stats.errors.get(event.code) ?? 0) + 1);
        return;
      default:
        return;
    }
  }

  /** Lets go of a socket (closing it if still open) and reconnects from the cursor. */
  private retire(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close(1000, "reconnecting");
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const max = this.options.maxBackoffMs ?? 2_000;
    const base = Math.min(max, (this.options.firstBackoffMs ?? 100) * 2 ** this.failures);
    this.failures++;
    this.timer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }
}

function parse(data: unknown): ServerEvent | null {
  if (typeof data !== "string") return null;
  try {
    const result = serverEventSchema.safeParse(JSON.parse(data));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

/** Checks one subscriber against the acknowledged seqs: what is missing, doubled, out of order. */
export function compareDelivery(
  received: readonly number[],
  expected: readonly number[],
): { missing: number; doubled: number; outOfOrder: number } {
  const want = new Set(expected);
  const seen = new Map<number, number>();
  let outOfOrder = 0;
  for (let i = 0; i < received.length; i++) {
    seen.set(received[i]!, (seen.get(received[i]!) ?? 0) + 1);
    if (i > 0 && received[i]! <= received[i - 1]!) outOfOrder++;
  }
  let missing = 0;
  for (const seq of want) if (!seen.has(seq)) missing++;
  let doubled = 0;
  for (const count of seen.values()) if (count > 1) doubled += count - 1;
  return { missing, doubled, outOfOrder };
}
