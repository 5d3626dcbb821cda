import { exports } from "cloudflare:workers";
import { type ServerEvent, serverEventSchema } from "../../types";

/**
 * A subscriber of `/api/live` inside workerd: opens the socket through the Worker's own fetch
 * handler, validates every frame it receives against the protocol, and lets a test wait for them.
 */
export class LiveClient {
  readonly events: ServerEvent[] = [];
  /** Every frame's text as the room sent it, before the protocol's defaults filled it in. */
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (e) => {
      this.raw.push(String(e.data));
      const parsed = serverEventSchema.safeParse(JSON.parse(String(e.data)));
      if (!parsed.success) throw new Error(`server frame outside the protocol: ${String(e.data)}`);
      this.events.push(parsed.data);
      this.wake();
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
      this.wake();
    });
  }

  /** `headers` may carry the client's `cf-connecting-ip` (none: the Worker's "local"). */
  static async open(room: string, query = "", headers: Record<string, string> = {}): Promise<LiveClient> {
    const res = await exports.default.fetch(
      new Request(`https://sww.test/api/live?room=${room}${query ? `&${query}` : ""}`, {
        headers: { upgrade: "websocket", ...headers },
      }),
    );
    if (res.status !== 101 || !res.webSocket)
      throw new Error(`live upgrade answered ${res.status}: ${await res.text()}`);
    res.webSocket.accept();
    return new LiveClient(res.webSocket);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Every message received so far (from `messages` events), in arrival order. */
  get messages() {
    return this.events.flatMap((e) => (e.type === "messages" ? e.messages : []));
  }

  of<T extends ServerEvent["type"]>(type: T): Extract<ServerEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type);
  }

  /** Resolves once `done()` holds, re-checked on every frame; fails after `ms`. */
  async until(done: () => boolean, what: string, ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    try {
      this.ws.close(1000, "test done");
    } catch {
      // already closed
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
