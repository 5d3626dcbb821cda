import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { Readable } from "node:stream";

/** A TCP connect that did not complete in time: the server is not there (or not reachable). */
export class ConnectTimeoutError extends Error {
  override name = "ConnectTimeoutError";
  readonly code = "ETIMEDOUT";
}

/**
 * A `fetch` over node:http with its own connect timeout and no response-header timeout. Node's
 * global fetch cannot tell "nobody is listening" (should fail in seconds) from "the server is loading
 * a model" (may take minutes), and cuts off waits for response headers after five minutes. Here the
 * connect has `connectTimeoutMs`, and the whole request is bounded only by the caller's signal.
 */
export function createFetch(connectTimeoutMs: number): typeof fetch {
  const agents = {
    "http:": new http.Agent({ keepAlive: true }),
    "https:": new https.Agent({ keepAlive: true }),
  };
  const fetchOverHttp = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const transport = url.protocol === "https:" ? https : url.protocol === "http:" ? http : null;
    if (!transport) return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
    const body = bodyBytes(init.body);
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    if (body && headers["content-length"] === undefined) headers["content-length"] = String(body.byteLength);

    return new Promise<Response>((resolve, reject) => {
      const request = transport.request(url, {
        method: init.method ?? "GET",
        headers,
        agent: agents[url.protocol as "http:" | "https:"],
        signal: init.signal ?? undefined,
      });
      request.on("socket", (socket: Socket) => {
        if (!socket.connecting) return;
        const timer = setTimeout(() => {
          request.destroy(new ConnectTimeoutError(`connect to ${url.host} timed out after ${connectTimeoutMs} ms`));
        }, connectTimeoutMs);
        socket.once("connect", () => clearTimeout(timer));
        socket.once("close", () => clearTimeout(timer));
      });
      request.on("error", reject);
      request.on("response", (response) => {
        const status = response.statusCode ?? 502;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
            responseHeaders.append(name, v);
        }
        const noBody = status === 204 || status === 304 || request.method === "HEAD";
        if (noBody) response.resume();
        resolve(
          new Response(noBody ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
            status,
            statusText: response.statusMessage ?? "",
            headers: responseHeaders,
          }),
        );
      });
      request.end(body);
    });
  };
  return fetchOverHttp as typeof fetch;
}

function bodyBytes(body: RequestInit["body"]): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError("this fetch sends only string or byte bodies");
}
