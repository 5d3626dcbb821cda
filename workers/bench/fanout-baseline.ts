import { DurableObject } from "cloudflare:workers";
import { LIVE } from "../../types";
import type { Bindings } from "../app-env";

function parsePost(data: string): FanoutPost | null {
  try {
    const f = JSON.parse(data) as Partial<FanoutPost> & { type?: unknown };
    const ok = f.type === "post" && [f.id, f.text, f.username, f.color].every((v) => typeof v === "string");
    return ok ? { id: f.id!, text: f.text!, username: f.username!, color: f.color! } : null;
  } catch {
    return null;
  }
}

/** What the baseline's poster sends: the fields of a message a viewer renders. */
export interface FanoutPost {
  id: string;
  text: string;
  username: string;
  color: string;
}

/**
 * The floor `bench/fanout.ts` measures the room's live fan-out against: the simplest chat on the
 * same engine. It accepts hibernating sockets (answering the app's keep-alive ping by
 * auto-response, as the room does) and, per post, writes one SQLite row and sends ONE frame, in
 * the same envelope as the room's `messages` event and with the message fields a viewer renders,
 * to every socket. No validation, no queue, no filters, no snapshot, no alarm.
 */
export class FanoutBaseline extends DurableObject<Bindings> {
  private head = 0;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, ts INTEGER NOT NULL, text TEXT NOT NULL, username TEXT NOT NULL, color TEXT NOT NULL)",
    );
    this.head = ctx.storage.sql.exec<{ s: number | null }>("SELECT MAX(seq) AS s FROM messages").one().s ?? 0;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(LIVE.ping, LIVE.pong));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  post(input: FanoutPost): { seq: number } {
    const seq = this.head + 1;
    const timestamp = Date.now();
    this.ctx.storage.sql.exec(
      "INSERT INTO messages (seq, id, ts, text, username, color) VALUES (?, ?, ?, ?, ?, ?)",
      seq,
      input.id,
      timestamp,
      input.text,
      input.username,
      input.color,
    );
    this.head = seq;
    const message = {
      id: input.id,
      seq,
      timestamp,
      text: input.text,
      username: input.username,
      color: input.color,
      "message-type": "human",
    };
    const frame = JSON.stringify({ type: "messages", messages: [message], cursor: seq, hasMore: false });
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(frame);
      } catch {
        // Closing: a baseline viewer does not resume.
      }
    }
    return { seq };
  }

  /**
   * A post over the poster's own socket (`{"type":"post", id, text, username, color}`), as the
   * peer template posts: no HTTP request, no Worker hop. bench/fanout.ts's `socket` side.
   * Anything else closes the socket (keep-alive pings never get here: the auto-response answers).
   */
  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): void {
    const frame = typeof data === "string" ? parsePost(data) : null;
    if (frame) this.post(frame);
    else ws.close(1003, "expected a post frame");
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }
}
