import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../types";
import app from "../index";
import { ADMIN_TOKEN, call } from "./client";

type Paths = Record<string, Record<string, unknown>>;
const HTTP_METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"];

async function documentPaths(): Promise<Paths> {
  const res = await call<{ openapi: string; paths: Paths }>("GET", "/api/openapi.json");
  expect(res.status).toBe(200);
  expect(res.body.openapi).toBe("3.1.0");
  return res.body.paths;
}

/** `METHOD /path/{param}` for every handler the Worker has under /api (middleware and fallbacks aside). */
function answeredRoutes(): string[] {
  const out = new Set<string>();
  for (const r of app.routes) {
    if (!HTTP_METHODS.includes(r.method) || !r.path.startsWith("/api/") || r.path.includes("*")) continue;
    out.add(`${r.method} ${r.path.replaceAll(/:(\w+)/g, "{$1}")}`);
  }
  return [...out].sort();
}

function documentedRoutes(paths: Paths): string[] {
  return Object.entries(paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .filter((r) => HTTP_METHODS.includes(r.split(" ")[0] ?? ""))
    .sort();
}

describe("one declaration per endpoint", () => {
  it("the document lists exactly the routes the Worker answers (a handler without a declaration fails here)", async () => {
    const documented = documentedRoutes(await documentPaths());
    expect(answeredRoutes()).toEqual(documented);
    // The routes the bots and the app depend on are among them.
    for (const r of ["GET /api/comments", "POST /api/queue/claim-next", "GET /api/live", "PATCH /api/comments/{id}"]) {
      expect(documented).toContain(r);
    }
  });

  it("every declared operation says who may call it and answers its errors as {error, code}", async () => {
    const paths = await documentPaths();
    const post = paths["/api/queue/complete"]?.post as { security: unknown[]; responses: Record<string, unknown> };
    expect(post.security).toEqual([{ botToken: [] }, { adminToken: [] }]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "409", "415"]));
    const live = paths["/api/live"]?.get as { responses: Record<string, unknown> };
    expect(Object.keys(live.responses)).toEqual(expect.arrayContaining(["101", "400", "426"]));
  });

  it("a declared path answers 405 with Allow to a method it does not declare, and 404 off the list", async () => {
    const paths = await documentPaths();
    for (const [path, item] of Object.entries(paths)) {
      const allowed = Object.keys(item).map((m) => m.toUpperCase());
      const concrete = path.replaceAll(/\{\w+\}/g, "some-id");
      // A method the path does not declare (PUT, unless it does, as the admin scene route).
      const method = ["PUT", "DELETE", "PATCH"].find((m) => !allowed.includes(m)) ?? "DELETE";
      // With the admin token, which passes every auth check that runs before routing.
      const res = await call(method, concrete, { token: ADMIN_TOKEN });
      // Benchmark routes live in the bench build only (workers/bench/): never in this document.
      expect(path.startsWith("/api/_bench/"), path).toBe(false);
      expect(res.status, `${method} ${path}`).toBe(ERROR_STATUS.method_not_allowed);
      expect((res.body as { code: string }).code).toBe("method_not_allowed");
      expect(res.headers.get("allow")?.split(", ").sort()).toEqual(allowed.sort());
    }
    const missing = await call("GET", "/api/no-such-route");
    expect(missing.status).toBe(404);
    // The bench build's routes do not exist in the production Worker, whatever the caller.
    for (const path of ["/api/_bench/insert", "/api/_bench/seed?count=10", "/api/_bench/fanout/post"]) {
      expect((await call("POST", path, { token: ADMIN_TOKEN })).status, path).toBe(404);
    }
  });

  it("the reference page for bot authors renders every route and loads nothing from elsewhere", async () => {
    const res = await call<string>("GET", "/api/docs", { token: ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.body).toContain("POST /api/queue/claim-next");
    expect(res.body).not.toMatch(/<script|<link[^>]+href="http|src="http/i);
  });
});
