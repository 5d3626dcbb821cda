import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFailure as failure } from "../../tests/support/api-failure.ts";
import * as full from "../../types";
import { entitiesResponseSchema } from "../shared/wire";
import { AuthorizedApi } from "./authorized";
import {
  ApiError,
  type ClientErrorCode,
  filterQuery,
  leaseLost,
  refusedToken,
  socketUrl,
  TypedApi,
  transient,
} from "./core";

// The client core against a real HTTP server on 127.0.0.1: what it sends (URL, headers, body),
// and what it makes of each kind of answer. The server answers by the request's path.
let server: Server;
let origin: string;
const seen: { url: string; method: string; headers: Record<string, string | string[] | undefined>; body: string }[] =
  [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ url: req.url ?? "", method: req.method ?? "", headers: req.headers, body });
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(value));
      };
      if (path === "/api/entities") return json(200, { entities: [{ id: "sage", lastPolledAt: 1 }] });
      if (path === "/api/comments")
        return json(429, { error: "slow down", code: "rate_limited" }, { "Retry-After": "7" });
      if (path === "/api/queue/claim-next") {
        res.writeHead(204);
        return res.end();
      }
      if (path === "/api/queue/heartbeat") return json(409, { error: "not yours any more", code: "lease_lost" });
      if (path === "/api/stats") {
        res.writeHead(502, { "Content-Type": "text/html" });
        return res.end("<html>bad gateway</html>");
      }
      if (path === "/api/queue/pending") return json(403, { error: "who are you" });
      if (path === "/api/queue/context") return; // never answers: the timeout's case
      json(200, { entities: "not a list" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** An origin where nothing listens (a port that was free a moment ago). */
async function closedOrigin(): Promise<string> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function last() {
  const request = seen.at(-1);
  if (!request) throw new Error("no request arrived");
  return request;
}

describe("the client core", () => {
  it("adds the room to every call, and skips absent query values", async () => {
    const client = new TypedApi({ baseUrl: origin, room: "ops" });
    const body = await client.request("GET", "/api/entities", {}, entitiesResponseSchema);
    expect(body.entities.map((e) => e.id)).toEqual(["sage"]);
    expect(last().url).toBe("/api/entities?room=ops");
    // The chat page's client sends no token.
    expect(last().headers.authorization).toBeUndefined();

    await failure(
      client.request(
        "GET",
        "/api/comments",
        { query: { limit: 5, cursor: undefined, u: "a:1+b:2" } },
        full.commentsPageSchema,
      ),
    );
    expect(last().url).toBe("/api/comments?limit=5&u=a%3A1%2Bb%3A2&room=ops");

    // Without a room the URL names none: the server's default room.
    await new TypedApi({ baseUrl: origin }).request("GET", "/api/entities", {}, entitiesResponseSchema);
    expect(last().url).toBe("/api/entities");
  });

  it("sends a body as JSON with its content type; an authorized client adds its token, or the call's", async () => {
    const client = new AuthorizedApi({ baseUrl: origin, room: "r", token: "bot" });
    await failure(client.request("POST", "/api/queue/heartbeat", { body: { messageId: "m1", leaseToken: "t" } }, null));
    expect(last().method).toBe("POST");
    expect(last().headers["content-type"]).toBe("application/json");
    expect(last().headers.authorization).toBe("Bearer bot");
    expect(JSON.parse(last().body)).toEqual({ messageId: "m1", leaseToken: "t" });

    const operator = new AuthorizedApi({ baseUrl: origin });
    await operator.request("GET", "/api/entities", { token: " admin " }, entitiesResponseSchema);
    expect(last().headers.authorization).toBe("Bearer admin");
    expect(last().headers["content-type"]).toBeUndefined();
    // A blank token (nothing typed yet) sends no header.
    await operator.request("GET", "/api/entities", { token: "  " }, entitiesResponseSchema);
    expect(last().headers.authorization).toBeUndefined();
  });

  it("asks a browser for no cached answer when the client says so", async () => {
    const modes: (RequestCache | undefined)[] = [];
    const recording: typeof fetch = (input, init) => {
      modes.push(init?.cache);
      return fetch(input, init);
    };
    await new AuthorizedApi({ baseUrl: origin, fetch: recording, noStore: true }).request(
      "GET",
      "/api/entities",
      {},
      entitiesResponseSchema,
    );
    await new AuthorizedApi({ baseUrl: origin, fetch: recording }).request(
      "GET",
      "/api/entities",
      {},
      entitiesResponseSchema,
    );
    expect(modes).toEqual(["no-store", undefined]);
  });

  it("decodes an error body once: its code, words, Retry-After and issues", async () => {
    const limited = await failure(
      new TypedApi({ baseUrl: origin }).request("GET", "/api/comments", {}, full.commentsPageSchema),
    );
    expect([limited.code, limited.message, limited.status, limited.retryAfter]).toEqual([
      "rate_limited",
      "slow down",
      429,
      7,
    ]);
    expect([limited.retryable, transient(limited), leaseLost(limited)]).toEqual([true, false, false]);

    const lost = await failure(
      new TypedApi({ baseUrl: origin }).request(
        "POST",
        "/api/queue/heartbeat",
        { body: { messageId: "m", leaseToken: "t" } },
        null,
      ),
    );
    expect([lost.code, leaseLost(lost), lost.retryable, refusedToken(lost)]).toEqual([
      "lease_lost",
      true,
      false,
      false,
    ]);
  });

  it("keeps a body without a code: a 5xx is worth retrying, anything else is a verdict", async () => {
    const gateway = await failure(
      new TypedApi({ baseUrl: origin }).request("GET", "/api/stats", {}, full.anyStatsSchema),
    );
    expect([gateway.code, gateway.message, gateway.retryable]).toEqual(["unavailable", "HTTP 502", true]);
    const refused = await failure(
      new TypedApi({ baseUrl: origin }).request("GET", "/api/queue/pending", {}, full.pendingResponseSchema),
    );
    expect([refused.code, refused.message, refused.retryable]).toEqual(["unknown", "who are you", false]);
  });

  it("lets a client word its messages from what failed (the bot's log lines)", async () => {
    const failures: unknown[][] = [];
    class Noting extends TypedApi {
      protected override describe(...failure: [string, number | null, ClientErrorCode, string | null, string]): string {
        failures.push(failure);
        return `${failure[0]} said ${failure[1]}`;
      }
    }
    const client = new Noting({ baseUrl: origin });
    const gateway = await failure(client.request("GET", "/api/stats", {}, full.anyStatsSchema));
    expect(gateway.message).toBe("GET /api/stats said 502");
    await failure(client.request("POST", "/api/queue/heartbeat", { body: { messageId: "m", leaseToken: "t" } }, null));
    expect(failures).toEqual([
      ["GET /api/stats", 502, "unavailable", null, "<html>bad gateway</html>"],
      [
        "POST /api/queue/heartbeat",
        409,
        "lease_lost",
        "not yours any more",
        JSON.stringify({ error: "not yours any more", code: "lease_lost" }),
      ],
    ]);
  });

  it("answers null for a 204, and lets the decoder's own error through for an answer of the wrong shape", async () => {
    const client = new TypedApi({ baseUrl: origin });
    const claim = await client.request(
      "POST",
      "/api/queue/claim-next",
      { body: { workerId: "w", entities: ["sage"] } },
      full.claimResponseSchema,
    );
    expect(claim).toBeNull();
    // The page's outbox retries anything that is not a verdict of the server (C4).
    // @ts-expect-error the types refuse a decoder of another route's answer; at run time it fails on its own terms
    const wrong = await client.request("GET", "/api/admin/mutes", {}, entitiesResponseSchema).catch((e: unknown) => e);
    expect(wrong).not.toBeInstanceOf(ApiError);
    expect(String(wrong)).toMatch(/entities/);
  });

  it("is a network error when the caller ends the call or nothing listens", async () => {
    const slow = await failure(
      new TypedApi({ baseUrl: origin }).request(
        "GET",
        "/api/queue/context",
        { query: { messageId: "m", scope: "room", limit: 1, entity: "sage" }, signal: AbortSignal.timeout(100) },
        full.contextResponseSchema,
      ),
    );
    expect([slow.code, transient(slow), slow.status]).toEqual(["network", true, null]);

    const nobody = new TypedApi({ baseUrl: await closedOrigin() });
    const down = await failure(nobody.request("GET", "/api/entities", {}, entitiesResponseSchema));
    expect([down.code, down.message, down.retryable]).toEqual(["network", "Network error: ECONNREFUSED", true]);
  });

  it("builds the live socket's URL the same way, on the page's origin as ws: or wss:", () => {
    const query = {
      cursor: 5,
      rev: undefined,
      ...filterQuery({ channel: "AI", users: [{ username: "a b", color: "1" }] }),
    };
    expect(socketUrl("https://x.app", query, "ops")).toBe("wss://x.app/api/live?cursor=5&type=AI&u=a+b%3A1&room=ops");
    expect(
      socketUrl("http://127.0.0.1:8787", { cursor: 0, ...filterQuery({ channel: "ALL", users: [] }) }, undefined),
    ).toBe("ws://127.0.0.1:8787/api/live?cursor=0");
  });
});
