import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { z } from "zod";
import { apiErrorSchema, ERROR_STATUS, type Message } from "../../types";
import app from "../index";
import { parseServerTiming } from "../metrics";

export const BOT_TOKEN = "test-bot-token";
export const ADMIN_TOKEN = "test-admin-token";

export interface CallOptions {
  body?: unknown;
  /** Sent as-is instead of JSON-encoding `body`. */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
  /** Bindings replaced for this one request (the Worker's handler is then called directly with them). */
  env?: Record<string, unknown>;
}

export interface CallResult<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  timing: Record<string, number>;
}

/** Calls the Worker's own fetch handler inside workerd, as a client over HTTP would. */
// biome-ignore lint/suspicious/noExplicitAny: tests read bodies loosely by default; every 2xx body is checked against its declared schema below
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (body === undefined && opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) {
    headers["content-type"] = "application/json";
  }
  const request = new Request(`https://sww.test${path}`, { method, headers, body });
  const res = opts.env
    ? await app.fetch(request, { ...env, ...opts.env }, createExecutionContext())
    : await exports.default.fetch(request);
  const text = await res.text();
  let parsed: unknown = text;
  // JSON bodies only: the full-history export is JSON lines (application/x-ndjson), kept as text.
  if (/^application\/(?:[\w.-]+\+)?json\b/i.test(res.headers.get("content-type") ?? "") && text)
    parsed = JSON.parse(text);
  if (res.status >= 400) {
    expectCodedError(res.status, parsed);
    expectDeclaredError(method, path, res.status);
  }
  if (res.status >= 200 && res.status < 300) expectDeclaredResponse(method, path, res.status, parsed);
  return {
    status: res.status,
    body: parsed as T,
    headers: res.headers,
    timing: parseServerTiming(res.headers.get("server-timing")),
  };
}

/**
 * Every error any test provokes must be `{error, code, issues?}` with the code's status from the
 * one table, so a client can branch on `code`. Checked here, so no error case can skip it.
 */
function expectCodedError(status: number, body: unknown): void {
  const parsed = apiErrorSchema.safeParse(body);
  if (!parsed.success) throw new Error(`error response ${status} is not {error, code}: ${JSON.stringify(body)}`);
  if (ERROR_STATUS[parsed.data.code] !== status) {
    throw new Error(`error code ${parsed.data.code} belongs to ${ERROR_STATUS[parsed.data.code]}, answered ${status}`);
  }
}

interface DeclaredRoute {
  method: string;
  pattern: RegExp;
  responses: Record<string, { content?: Record<string, { schema?: z.ZodType }> }>;
}

/** The Worker's route declarations (the same list that makes /api/openapi.json), as matchers. */
const declared: DeclaredRoute[] = app.openAPIRegistry.definitions.flatMap((d) =>
  d.type === "route"
    ? [
        {
          method: d.route.method.toUpperCase(),
          pattern: new RegExp(`^${d.route.path.replaceAll(/\{\w+\}/g, "[^/]+")}$`),
          responses: d.route.responses as DeclaredRoute["responses"],
        },
      ]
    : [],
);

/**
 * Every success any test sees must be declared for its path, method and status, and a JSON body
 * must match the declared schema: so the document cannot drift from what the Worker answers.
 */
function expectDeclaredResponse(method: string, path: string, status: number, body: unknown): void {
  const pathname = new URL(path, "https://sww.test").pathname;
  // The pages and the app's files are not API routes: the document describes /api/* only.
  if (!pathname.startsWith("/api/")) return;
  const route = declared.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
  if (!route) throw new Error(`${method} ${pathname} answered ${status} but is not declared`);
  const response = route.responses[String(status)];
  if (!response) throw new Error(`${method} ${pathname} answered ${status}, which its declaration does not list`);
  const schema = response.content?.["application/json"]?.schema;
  if (!schema) return;
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new Error(`${method} ${pathname} ${status} does not match its declared schema: ${parsed.error.message}`);
  }
}

/**
 * An error a declared route answers must be among its declared answers, so the document tells a
 * bot author every status to expect. The 405 and 404 for methods and paths that nothing declares
 * are the router's own answers and belong to no route.
 */
function expectDeclaredError(method: string, path: string, status: number): void {
  const pathname = new URL(path, "https://sww.test").pathname;
  const route = declared.find((r) => r.method === method.toUpperCase() && r.pattern.test(pathname));
  if (!route) return;
  if (!route.responses[String(status)]) {
    throw new Error(`${method} ${pathname} answered ${status}, which its declaration does not list`);
  }
}

let roomCounter = 0;
/** A fresh room per test: each room is its own Durable Object, so tests never share state. */
export function freshRoom(label = "t"): string {
  roomCounter += 1;
  return `${label}-${Date.now().toString(36)}-${roomCounter}`;
}

export const human = (over: Record<string, unknown> = {}) => ({
  text: "hello there",
  username: "Alice",
  color: "200100050",
  domain: "saywhatwant.app",
  "message-type": "human",
  ...over,
});

export async function postMessage(room: string, over: Record<string, unknown> = {}, token?: string): Promise<Message> {
  const res = await call<Message>("POST", `/api/comments?room=${room}`, { body: human(over), token });
  if (res.status !== 201 && res.status !== 200)
    throw new Error(`post failed ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function claimNext(room: string, workerId: string, extra: Record<string, unknown> = {}) {
  return call<{ success: true; message: Message; lease: { token: string; expiresAt: number } }>(
    "POST",
    `/api/queue/claim-next?room=${room}`,
    { body: { workerId, ...extra }, token: BOT_TOKEN },
  );
}

/** Every message in the room, as the public reads it, or whole with a bot or admin `token`. */
export async function allMessages(room: string, token?: string): Promise<Message[]> {
  const out: Message[] = [];
  let cursor = 0;
  for (;;) {
    const page = await call<{ comments: Message[]; cursor: number; hasMore: boolean }>(
      "GET",
      `/api/comments?room=${room}&cursor=${cursor}&limit=500`,
      { token },
    );
    out.push(...page.body.comments);
    cursor = page.body.cursor;
    if (!page.body.hasMore) return out;
  }
}
