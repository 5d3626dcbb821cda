// An HTTP pass-through in front of the Worker that records what one client asked and was answered,
// so a test can see the calls a bot process made (e.g. after it was frozen) without changing them.
import { createServer, type Server } from "node:http";
import { parseServerTiming } from "../../workers/metrics.ts";

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
  at: number;
  /** The message the call was about: `messageId` of the body, or the message a claim returned. */
  messageId?: string;
  /** SQLite rows the Worker says it wrote for this call (its Server-Timing). */
  rowsWritten: number;
  /** What the client sent (a progress call's draft, say), as text. */
  requestBody: string;
}

export interface RecordingProxy {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === "string" && !["host", "connection", "content-length"].includes(k)) headers.set(k, v);
    }
    try {
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      const body = Buffer.from(await answer.arrayBuffer());
      calls.push({
        method: req.method ?? "",
        path: (req.url ?? "").split("?")[0]!,
        status: answer.status,
        at: Date.now(),
        messageId: messageIdOf(Buffer.concat(chunks)) ?? messageIdOf(body, "message"),
        rowsWritten: parseServerTiming(answer.headers.get("server-timing")).rows_written ?? 0,
        requestBody: Buffer.concat(chunks).toString("utf8"),
      });
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!["content-encoding", "transfer-encoding", "connection", "content-length"].includes(k)) out[k] = v;
      });
      res.writeHead(answer.status, out);
      res.end(body);
    } catch (error) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error), code: "unavailable" }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("proxy got no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function messageIdOf(json: Buffer, under?: string): string | undefined {
  try {
    const parsed = JSON.parse(json.toString("utf8")) as Record<string, unknown>;
    const holder = (under ? parsed[under] : parsed) as { messageId?: unknown; id?: unknown } | undefined;
    const id = under ? holder?.id : holder?.messageId;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}
