import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env";
import { identify } from "./auth";
import { config } from "./config";
import { roomName } from "./context";
import { HttpError } from "./errors";
import { RequestMetrics } from "./metrics";
import { apiRouter, declaredMethods, openApiDocument, serveDocument } from "./openapi";
import { adminModeration } from "./routes/admin-moderation";
import { bench } from "./routes/bench";
import { comments } from "./routes/comments";
import { credentials } from "./routes/credentials";
import { exportHistory } from "./routes/export";
import { live } from "./routes/live";
import { meta } from "./routes/meta";
import { nosniff, page } from "./routes/page";
import { queue } from "./routes/queue";

export { BenchBaseline } from "./bench-baseline";
export { Credentials } from "./credentials/object";
export { Room } from "./room";

const app = apiRouter();

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

app.route("/", meta);
app.route("/", comments);
app.route("/", queue);
app.route("/", credentials);
app.route("/", live);
app.route("/", adminModeration);
app.route("/", exportHistory);
app.route("/", bench);

serveDocument(app);

/**
 * Known paths answer 405 to other methods, from the same declarations as the document (so a new
 * route cannot be forgotten here); registered after the real handlers so those win.
 */
for (const [path, methods] of declaredMethods(openApiDocument(app))) {
  app.all(path, (c) => {
    c.header("Allow", methods.join(", "));
    throw new HttpError("method_not_allowed", `${c.req.method} is not allowed on ${path}; use ${methods.join(" or ")}`);
  });
}

app.all("/api/*", (c) => {
  throw new HttpError("not_found", `No API route ${c.req.method} ${new URL(c.req.url).pathname}`);
});

// Everything else is the static app; its pages get a CSP allowing their inline scripts by hash (issue #13).
app.route("/", page);

app.onError((error, c) => {
  if (error instanceof HttpError) {
    for (const [k, v] of Object.entries(error.headers ?? {})) c.header(k, v);
    const body = { error: error.message, code: error.code, ...(error.issues ? { issues: error.issues } : {}) };
    return c.json(body, error.status);
  }
  if (error instanceof HTTPException && error.status === 400) {
    // Hono's own validator: a declared JSON body that does not parse.
    return c.json({ error: "Body is not valid JSON", code: "invalid_input" }, 400);
  }
  console.error(`[worker] ${c.req.method} ${c.req.url} failed`, error);
  return c.json({ error: "Internal error; it has been logged", code: "internal" }, 500);
});

function allowedOrigins(configured: string[], requestUrl: string): Set<string> {
  return new Set([new URL(requestUrl).origin, ...configured]);
}

export default app satisfies ExportedHandler<AppEnv["Bindings"]>;
