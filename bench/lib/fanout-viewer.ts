import { KEEP_ALIVE, KeepAlive } from "../../lib/chat/keep-alive.ts";
import { webSocketAs } from "../../tests/support/client-address.ts";
import { LIVE } from "../../types/live.ts";

/**
 * A viewer for the fan-out benchmark, the same for the room and its baseline: one WebSocket that
 * keeps alive as the app does, and for every `messages` frame records its size as it arrived
 * (after any inflate, so as the server sent it) and each message id it carried. Deliberately
 * lighter than tests/support/live-subscriber.ts (no schema parse per frame), so a thousand of
 * them on the benchmark's own cores cost the client as little as possible, equally on both sides.
 */
export class FanoutViewer {
  /** How often each message id arrived: a check that every message came exactly once. */
  readonly seen = new Map<string, number>();
  messageFrames = 0;
  messageFrameBytes = 0;
  /** The last `messages` frame, verbatim (to show what a frame holds). */
  lastFrame = "";
  /** What the handshake agreed (e.g. "permessage-deflate; …"), "" for none; set on open. */
  extensions = "";
  private ws: WebSocket | null = null;
  private keepAlive: KeepAlive | null = null;

  private readonly url: string;
  private readonly onMessage: (id: string, receivedAt: number) => void;

  /** The client address the Worker sees (each viewer its own, as real pages are). */
  private readonly address: string;

  constructor(url: string, onMessage: (id: string, receivedAt: number) => void, address: string) {
    this.url = url;
    this.onMessage = onMessage;
    this.address = address;
  }

  /** Resolves once the socket is open (the server accepted it), rejects if it fails first. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = webSocketAs(this.url, this.address);
      this.ws = ws;
      this.keepAlive = new KeepAlive({
        idleMs: KEEP_ALIVE.idleMs,
        ping: () => {
          if (ws.readyState === WebSocket.OPEN) ws.send(LIVE.ping);
        },
        dead: () => ws.close(),
      });
      ws.addEventListener("open", () => {
        this.extensions = ws.extensions;
        this.keepAlive?.heard();
        resolve();
      });
      ws.addEventListener("error", () => reject(new Error(`socket to ${this.url} failed`)));
      ws.addEventListener("message", (event) => this.receive(event.data));
    });
  }

  close(): void {
    this.keepAlive?.stop();
    this.ws?.close(1000, "done");
    this.ws = null;
  }

  private receive(data: unknown): void {
    this.keepAlive?.heard();
    if (typeof data !== "string") return;
    const receivedAt = Date.now();
    const frame = JSON.parse(data) as { type?: string; messages?: { id: string }[] };
    if (frame.type !== "messages" || !frame.messages) return;
    this.messageFrames++;
    this.messageFrameBytes += Buffer.byteLength(data);
    this.lastFrame = data;
    for (const m of frame.messages) {
      this.seen.set(m.id, (this.seen.get(m.id) ?? 0) + 1);
      this.onMessage(m.id, receivedAt);
    }
  }
}

/** Across viewers: posted messages a viewer never got, and extra copies any viewer got. */
export function deliveryCheck(viewers: readonly FanoutViewer[], posted: readonly string[]) {
  let missing = 0;
  let doubled = 0;
  for (const v of viewers) {
    for (const id of posted) {
      const n = v.seen.get(id) ?? 0;
      if (n === 0) missing++;
      else doubled += n - 1;
    }
  }
  return { missing, doubled };
}
