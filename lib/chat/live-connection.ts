import ReconnectingWebSocket from "partysocket/ws";
import type { ClientFrame, LiveFilter, ServerEvent } from "../../types";
import { LIVE, LIVE_CLOSE } from "../../types/constants";
import { filterQuery, socketUrl } from "../client/core";
import { serverEventSchema } from "../shared/wire";
import type { ConnectionState } from "./connection-state";
import { KeepAlive } from "./keep-alive";

/** Whether a close with this code is worth reconnecting after (a refusal that would repeat is not). */
export function reconnectsAfter(code: number): boolean {
  return code !== LIVE_CLOSE.tooManySockets;
}

export interface LiveConnectionOptions {
  /** Page origin, e.g. `https://saywhatwant.app` (ws/wss is derived from it). */
  origin: string;
  room: string | undefined;
  filter: LiveFilter;
  /** The cursor to resume from, read at every (re)connect. */
  cursor: () => number;
  /** The change revision the page's window reflects (moderation), read at every (re)connect. */
  rev?: () => number | undefined;
  onEvent: (event: ServerEvent) => void;
  /** Injected for tests and for browsers without WebSocket (undefined → polling). */
  WebSocketImpl?: typeof WebSocket;
  /** Random source for the reconnect jitter (tests pin it). */
  random?: () => number;
}

/** Consecutive failed connects (never reached `hello`) before the page says it is polling. */
const FAILURES_BEFORE_POLLING = 3;

/**
 * The page's subscription to its room: a reconnecting WebSocket (partysocket) whose URL carries
 * the feed's cursor at every reconnect, so the room sends exactly what was missed. Frames are
 * validated against the protocol; anything else is dropped and logged.
 */
export class LiveConnection {
  private socket: ReconnectingWebSocket | null = null;
  private state: ConnectionState = "connecting";
  private failures = 0;
  private greeted = false;
  /** Pings only a silent socket, and reconnects one that stays silent after the ping. */
  private readonly keepAlive = new KeepAlive({
    ping: () => this.socket?.send(LIVE.ping),
    dead: () => this.socket?.reconnect(),
  });
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: LiveConnectionOptions) {}

  get current(): ConnectionState {
    return this.state;
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  start(): void {
    const Impl = this.options.WebSocketImpl ?? (typeof WebSocket === "undefined" ? undefined : WebSocket);
    if (!Impl) {
      this.setState("polling");
      return;
    }
    const random = this.options.random ?? Math.random;
    // Jitter per page, so a room's viewers do not all reconnect in the same instant after a deploy.
    const minDelay = 400 + Math.floor(random() * 800);
    this.socket = new ReconnectingWebSocket(() => this.url(), undefined, {
      WebSocket: Impl,
      minReconnectionDelay: minDelay,
      maxReconnectionDelay: 15_000,
      reconnectionDelayGrowFactor: 1.6,
      connectionTimeout: 5_000,
      maxRetries: Number.POSITIVE_INFINITY,
      // Client frames are resume/filter/ping (derived from state at connect time) and typing,
      // which is stale by the time a socket reopens: nothing is queued.
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (event) => reconnectsAfter(event.code),
    });
    this.socket.addEventListener("open", () => {
      this.greeted = false;
    });
    this.socket.addEventListener("message", (e) => this.receive(e.data));
    this.socket.addEventListener("close", (e) => this.lost(e.code));
  }

  stop(): void {
    this.keepAlive.stop();
    this.socket?.close(1000, "page closed the view");
    this.socket = null;
  }

  /** Drops the socket and opens a new one (with the cursor as it is now). */
  reconnect(): void {
    this.socket?.reconnect();
  }

  /** Asks the room for everything after `cursor` again (after a bounded catch-up said hasMore). */
  resume(cursor: number): void {
    if (this.state === "live") this.socket?.send(JSON.stringify({ type: "resume", cursor }));
  }

  /** Sends a frame of the page's own (typing) while live; dropped otherwise, never queued. */
  send(frame: ClientFrame): void {
    if (this.state === "live") this.socket?.send(JSON.stringify(frame));
  }

  private url(): string {
    const { options } = this;
    const query = { cursor: options.cursor(), rev: options.rev?.(), ...filterQuery(options.filter) };
    return socketUrl(options.origin, query, options.room);
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return;
    this.keepAlive.heard();
    let event: ServerEvent;
    try {
      const parsed = serverEventSchema.safeParse(JSON.parse(data));
      if (!parsed.success) throw new Error(parsed.error.message);
      event = parsed.data;
    } catch (error) {
      console.warn("[live] ignored a frame outside the protocol", error);
      return;
    }
    if (event.type === "hello") {
      this.greeted = true;
      this.failures = 0;
      this.setState("live");
    }
    if (event.type === "pong") return;
    this.options.onEvent(event);
  }

  private lost(code: number): void {
    this.keepAlive.stop();
    if (!reconnectsAfter(code)) {
      // partysocket does not reconnect (shouldReconnectOnClose); the page polls from here on.
      this.greeted = false;
      this.setState("crowded");
      return;
    }
    if (!this.greeted) this.failures += 1;
    this.greeted = false;
    this.setState(this.failures >= FAILURES_BEFORE_POLLING ? "polling" : "reconnecting");
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
