// A TCP pass-through in front of the Worker whose connections a test can cut abruptly (no close
// frame, no FIN handshake from the client's point of view: both sides are destroyed), the way a
// phone losing its network drops a WebSocket. Connections are named by a `sub=` query parameter
// in the HTTP request line, which the Worker's live route ignores.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface CutProxy {
  /** `http://127.0.0.1:PORT`: use it in place of the Worker's origin. */
  origin: string;
  /** Destroys every open connection tagged `sub=name` on both sides. Returns how many were cut. */
  cut(name: string): number;
  close(): Promise<void>;
}

const SUB_PARAM = /[?&]sub=([A-Za-z0-9_-]+)/;

export async function startCutProxy(target: { host: string; port: number }): Promise<CutProxy> {
  const byName = new Map<string, Set<Socket>>();
  const all = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    all.add(client);
    all.add(upstream);
    let name: string | undefined;
    const forget = () => {
      all.delete(client);
      all.delete(upstream);
      if (name) byName.get(name)?.delete(client);
    };
    client.once("data", (first: Buffer) => {
      // The request line arrives in the first chunk; only that chunk is read, the rest is piped.
      const match = SUB_PARAM.exec(first.subarray(0, 2048).toString("latin1").split("\r\n")[0] ?? "");
      if (match) {
        name = match[1]!;
        if (!byName.has(name)) byName.set(name, new Set());
        byName.get(name)!.add(client);
      }
      upstream.write(first);
      client.pipe(upstream);
    });
    upstream.pipe(client);
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
      forget();
    };
    client.on("error", destroyBoth);
    upstream.on("error", destroyBoth);
    client.on("close", destroyBoth);
    upstream.on("close", destroyBoth);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the cut proxy did not get a TCP port");

  return {
    origin: `http://127.0.0.1:${address.port}`,
    cut(name) {
      const sockets = [...(byName.get(name) ?? [])];
      // resetAndDestroy sends a TCP RST: the peer learns nothing graceful about it.
      for (const s of sockets) s.resetAndDestroy();
      return sockets.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of all) s.destroy();
        server.close(() => resolve());
      }),
  };
}
