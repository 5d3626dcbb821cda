import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import { apiErrorSchema, ERROR_STATUS, type ErrorCode, roomSchema } from "../types";
import type { AppEnv } from "./app-env";
import { invalidInput } from "./http";

/**
 * One declaration per endpoint (O8): every route is `app.openapi(createRoute({...}), handler)`
 * on an OpenAPIHono built here. The library validates the declared query/params/body before the
 * handler runs (failures become our `invalid_input` through `defaultHook`), and the same list
 * produces `/api/openapi.json`, the 405 answers and the response checks of the workerd tests.
 */
export function apiRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const what = result.target === "json" ? "Invalid request body" : "Invalid query parameters";
        throw invalidInput(what, result.error.issues);
      }
    },
  });
}

/** The `room` query parameter every route takes (read by the router's middleware; declared here for the document). */
const roomQuery = z.object({ room: roomSchema.optional() });

/** A route's query: its own parameters plus `room`. */
export function query(): typeof roomQuery;
export function query<S extends z.ZodObject>(schema: S): z.ZodObject<S["shape"] & typeof roomQuery.shape>;
export function query(schema?: z.ZodObject) {
  return schema ? schema.extend(roomQuery.shape) : roomQuery;
}

/** A JSON request body, checked for content type (415) and size (413) before it is parsed. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  return { content: { "application/json": { schema } }, required: true } as const;
}

export function json<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/**
 * The error answers a route can give, one entry per status, each listing its codes. Every body is
 * `{error, code, issues?}`; the status of a code comes from the one table in types/errors.ts.
 */
export function errors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set<ErrorCode>(["invalid_input", "rate_limited", "internal", ...codes])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [status, json(apiErrorSchema, `error; code ${list.join(" | ")}`)]),
  ) as Record<number, ReturnType<typeof json<typeof apiErrorSchema>>>;
}

/** The errors of every route behind a token (missing, wrong, or the credentials store down). */
export const AUTH_ERRORS = ["unauthorized", "forbidden", "unavailable"] as const satisfies readonly ErrorCode[];
/** The errors of every route that reads a JSON body, beyond `invalid_input`. */
export const BODY_ERRORS = ["too_large", "unsupported_media_type"] as const satisfies readonly ErrorCode[];

/** Declared security: the bot token (bots; the admin token also passes) or the admin token. */
export const BOT: Record<string, string[]>[] = [{ botToken: [] }, { adminToken: [] }];
export const ADMIN: Record<string, string[]>[] = [{ adminToken: [] }];

/** Writes the security schemes and serves the document and a plain reference page. */
export function serveDocument(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "botToken", {
    type: "http",
    scheme: "bearer",
    description: "The bot token (BOT_TOKEN): queue routes, AI posts and replies",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The operator token (ADMIN_TOKEN): admin routes; it also passes every bot route",
  });
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/openapi.json",
      summary: "This document (OpenAPI 3.1)",
      responses: {
        200: json(z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }), "the document"),
        // Every /api route takes `room`; a malformed one is refused before any handler.
        ...errors(),
      },
    }),
    // The generator types paths loosely (undefined members); the shape is declared just above.
    (c) => c.json(documentOf(app) as never, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/docs",
      summary: "A readable reference of this document for bot authors (self-contained HTML, no scripts)",
      responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } }, ...errors() },
    }),
    (c) => c.html(renderReference(documentOf(app))) as never,
  );
}

/** Built once per isolate, on first request: every route is declared by then. */
const documents = new WeakMap<OpenAPIHono<AppEnv>, Doc>();
function documentOf(app: OpenAPIHono<AppEnv>): Doc {
  let doc = documents.get(app);
  if (!doc) {
    doc = openApiDocument(app);
    documents.set(app, doc);
  }
  return doc;
}

export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Say What Want API",
      version: "1",
      description:
        "Every route takes `room` (default `global`). Every error body is `{error, code, issues?}`: branch on `code`.",
    },
  });
}

/** The document's routes as `METHOD path` with Hono's `:param` syntax, for the router's 405 answers. */
export function declaredMethods(doc: ReturnType<typeof openApiDocument>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const methods = ["get", "post", "patch", "put", "delete"].filter((m) => m in (item as object));
    out.set(
      path.replaceAll(/\{(\w+)\}/g, ":$1"),
      methods.map((m) => m.toUpperCase()),
    );
  }
  return out;
}

type Doc = ReturnType<typeof openApiDocument>;

/** A self-contained page (no scripts, no CDN): each route with its parameters, body and answers. */
function renderReference(doc: Doc): string {
  const esc = (s: unknown) =>
    String(s ?? "").replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch] ?? ch);
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => {
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${esc(p.name)}</code>${p.required ? " (required)" : ""} ${esc(p.description)}</li>`)
        .join("");
      const body = op.requestBody?.content?.["application/json"]?.schema;
      const answers = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><b>${esc(status)}</b> ${esc(r.description)}</li>`)
        .join("");
      const auth = op.security?.length
        ? `<p>Auth: ${esc(op.security.map((s) => Object.keys(s)).join(" or "))}</p>`
        : "";
      return `<section><h2><code>${esc(method.toUpperCase())} ${esc(path)}</code></h2><p>${esc(op.summary)}</p>${auth}${
        params ? `<h3>Query</h3><ul>${params}</ul>` : ""
      }${body ? `<h3>Body</h3><pre>${esc(JSON.stringify(body, null, 2))}</pre>` : ""}<h3>Answers</h3><ul>${answers}</ul></section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}
pre{background:#f4f4f4;padding:.5rem;overflow:auto;max-height:20rem}section{border-top:1px solid #ccc}code{font-size:.95em}</style>
</head><body><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>${sections.join("")}</body></html>`;
}

interface Operation {
  summary?: string;
  security?: Record<string, unknown>[];
  parameters?: { name: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}
