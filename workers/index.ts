import { HTTPException } from "hono/http-exception";
import { useApiMiddleware } from "./api-middleware";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import { apiRouter, declaredMethods, openApiDocument, serveDocument } from "./openapi";
import { adminModeration } from "./routes/admin-moderation";
import { comments } from "./routes/comments";
import { credentials } from "./routes/credentials";
import { exportHistory } from "./routes/export";
import { live } from "./routes/live";
import { meta } from "./routes/meta";
import { page } from "./routes/page";
import { queue } from "./routes/queue";

export { Credentials } from "./credentials/object";
export { Room } from "./room";

const app = apiRouter();

useApiMiddleware(app);

app.route("/", meta);
app.route("/", comments);
app.route("/", queue);
app.route("/", credentials);
app.route("/", live);
app.route("/", adminModeration);
app.route("/", exportHistory);

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

// Everything else is the static app; its pages get a CSP allowing their inline scripts by hash
// (workers/page/security.ts).
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

export default app satisfies ExportedHandler<AppEnv["Bindings"]>;
