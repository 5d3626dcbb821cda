// A subscriber of the Worker's /api/live from Node (22's global WebSocket): records every event,
// validated against the protocol, with the time it arrived.
import { type ServerEvent, serverEventSchema } from "../../types/live.ts";

export interface Received {
  event: ServerEvent;
  at: number;
}

export interface LiveWatcher {
  received: Received[];
  events(): ServerEvent[];
  of<T extends ServerEvent["type"]>(type: T): Extract<ServerEvent, { type: T }>[];
  until(what: string, done: (events: ServerEvent[]) => boolean, timeoutMs: number): Promise<void>;
  close(): void;
}

export async function watchLive(apiUrl: string, room: string, query = "cursor=0"): Promise<LiveWatcher> {
  const url = `${apiUrl.replace(/^http/, "ws")}/api/live?room=${room}&${query}`;
  const ws = new WebSocket(url);
  const received: Received[] = [];
  const problems: string[] = [];
  ws.addEventListener("message", (e) => {
    const parsed = serverEventSchema.safeParse(JSON.parse(String(e.data)));
    if (parsed.success) received.push({ event: parsed.data, at: Date.now() });
    else problems.push(String(e.data));
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error(`cannot open ${url}`)), { once: true });
  });
  const events = () => {
    if (problems.length) throw new Error(`frames outside the protocol: ${problems.join(" | ")}`);
    return received.map((r) => r.event);
  };
  return {
    received,
    events,
    of: <T extends ServerEvent["type"]>(type: T) =>
      events().filter((e): e is Extract<ServerEvent, { type: T }> => e.type === type),
    async until(what, done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!done(events())) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(events()).slice(-2000)}`,
          );
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => ws.close(1000, "test done"),
  };
}
