import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFailure as failure } from "../tests/support/api-failure.ts";
import { type ApiClient, createApiClient, leaseLost, transient } from "./api-client.ts";

// The bot's calls against a real HTTP server on 127.0.0.1: the room and token on every call, its
// bounds (the long-poll's wait on top), and log lines that name the call that failed.
let server: Server;
let api: ApiClient;
const urls: string[] = [];
const tokens: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    urls.push(req.url ?? "");
    tokens.push(req.headers.authorization);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/api/queue/claim-next") {
      // Answers "nothing" after 300 ms: longer than the call bound, within the long-poll's wait.
      setTimeout(() => {
        res.writeHead(204);
        res.end();
      }, 300);
      return;
    }
    if (path === "/api/queue/heartbeat") return; // never answers
    if (path === "/api/queue/complete") {
      res.writeHead(409, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ error: "already answered by another worker", code: "already_answered" }));
    }
    res.writeHead(502, { "Content-Type": "text/plain" });
    res.end("bad gateway");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api = createApiClient({ baseUrl, token: "bot-token", room: "global", callTimeoutMs: 150 });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the bot's API client", () => {
  it("long-polls past its call bound by the wait it asked for, and reads a 204 as nothing", async () => {
    const claim = await api.claimNext({ workerId: "w", entities: ["sage"], wait: 1 });
    expect(claim).toBeNull();
    expect(urls.at(-1)).toBe("/api/queue/claim-next?room=global");
    expect(tokens.at(-1)).toBe("Bearer bot-token");
  });

  it("bounds every other call: a silent server is a transient network failure", async () => {
    const silent = await failure(api.heartbeat({ messageId: "m1", leaseToken: "t", leaseSeconds: 30 }));
    expect(silent.code).toBe("network");
    expect(transient(silent)).toBe(true);
    expect(silent.message).toMatch(/^POST \/api\/queue\/heartbeat: API unreachable \(/);
  });

  it("names the call and the server's answer in its messages", async () => {
    const late = await failure(api.complete({ messageId: "m1", leaseToken: "t" }));
    expect(late.message).toBe("POST /api/queue/complete → 409 already_answered: already answered by another worker");
    expect(leaseLost(late)).toBe(true);
    const gateway = await failure(api.conversation([{ username: "ann", color: "255000000" }], 10, 5));
    expect(gateway.message).toBe("GET /api/comments → 502 unavailable: bad gateway");
    expect(urls.at(-1)).toBe("/api/comments?u=ann%3A255000000&before=10&limit=5&room=global");
  });
});
