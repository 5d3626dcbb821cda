import { Agent, request } from "node:http";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  /** Extra request headers (e.g. `cf-connecting-ip`, which wrangler dev passes through to the Worker). */
  headers?: Record<string, string>;
  /** Statuses that count as success; anything else throws (a benchmark must not time errors). */
  expect?: readonly number[];
}

/**
 * A minimal JSON-over-HTTP client on one keep-alive agent, so every request reuses one of a
 * fixed set of connections and the benchmark measures the server, not TCP handshakes.
 */
export class HttpClient {
  readonly origin: string;
  private readonly agent: Agent;

  constructor(origin: string, connections: number) {
    this.origin = origin;
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = new URL(path, this.origin);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const expected = options.expect ?? [200, 201];
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const response = {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          };
          if (expected.includes(response.status)) resolve(response);
          else reject(new Error(`${method} ${path} answered ${response.status}: ${response.body.slice(0, 300)}`));
        });
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out after 30 s`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return JSON.parse((await this.send(method, path, options)).body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
