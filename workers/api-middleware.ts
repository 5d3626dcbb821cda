import type { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env";
import { identify } from "./auth";
import { config } from "./config";
import { roomName } from "./context";
import { RequestMetrics } from "./metrics";
import { nosniff } from "./routes/page";

/**
 * What every `/api/*` request passes before its route: metrics and Server-Timing, the caller's
 * identity, nosniff, CORS, the room. One list, so the bench build's baseline routes
 * (workers/bench/routes.ts) pay exactly what the API's routes pay before their own work.
 */
export function useApiMiddleware(app: Hono<AppEnv>): void {
  app.use("/api/*", async (c, next) => {
    c.set("metrics", new RequestMetrics());
    const who = await identify(c.env, c.req.header("authorization"));
    c.set("caller", who.caller);
    c.set("callerName", who.name);
    c.set("scope", who.scope);
    await next();
    // A WebSocket upgrade's 101 comes from the room with immutable headers; it has no storage work to report.
    if (c.res.status !== 101) c.header("Server-Timing", c.var.metrics.header());
  });

  app.use("/api/*", nosniff);

  app.use(
    "/api/*",
    cors({
      origin: (origin, c) => (allowedOrigins(config(c.env).ALLOWED_ORIGINS, c.req.url).has(origin) ? origin : null),
      allowHeaders: ["Content-Type", "Authorization"],
      allowMethods: ["GET", "POST", "PATCH", "OPTIONS"],
      exposeHeaders: ["Server-Timing"],
      maxAge: 600,
    }),
  );

  app.use("/api/*", async (c, next) => {
    c.set("room", roomName(c));
    await next();
  });
}

function allowedOrigins(configured: string[], requestUrl: string): Set<string> {
  return new Set([new URL(requestUrl).origin, ...configured]);
}
