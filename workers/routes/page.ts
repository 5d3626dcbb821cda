import { type Context, Hono, type MiddlewareHandler } from "hono";
import { type CommentsPage, DEFAULT_ROOM, type InitialWindow, publicMessage, roomSchema } from "../../types";
import type { AppEnv } from "../app-env";
import { config } from "../config";
import { rewritePage } from "../page/rewrite";
import { inlineScriptHashes } from "../page/script-hashes";
import { ALWAYS, pageHeaders } from "../page/security";
import { readSnapshot } from "../snapshot";

/**
 * Everything that is not `/api/*`: the static app, fetched from the assets binding. HTML pages
 * get a CSP that allows their own inline scripts by hash, and the other protective headers; the
 * chat page also carries the room's recent window from KV (C2). `_next/static/*` is served by the assets layer
 * directly (wrangler.toml), with nosniff from `public/_headers`.
 */
export const page = new Hono<AppEnv>();

/**
 * A revalidation (`If-None-Match`) would let the assets layer answer 304 with no body: no HTML to
 * hash, so the CSP sent with it (which the browser then applies to its stored copy) would allow
 * none of the page's inline scripts, and the chat page's stored copy would keep an old window.
 * Pages are always fetched whole.
 */
const CONDITIONAL = ["if-none-match", "if-modified-since", "if-match", "if-unmodified-since", "if-range"];

function unconditional(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const name of CONDITIONAL) headers.delete(name);
  return new Request(request, { headers });
}

page.all("*", async (c) => {
  const asset = await c.env.ASSETS.fetch(unconditional(c.req.raw));
  const type = asset.headers.get("content-type") ?? "";
  if (!type.startsWith("text/html")) return withHeaders(asset, ALWAYS);
  const html = await asset.text();
  const url = new URL(c.req.url);
  const initial = isChatPage(url.pathname) && asset.ok ? await initialWindow(c, url) : null;
  const headers = pageHeaders({
    scriptHashes: await inlineScriptHashes(html),
    url,
    frameAncestors: config(c.env).FRAME_ANCESTORS,
  });
  // The chat page carries the room's recent window: no shared cache may keep it, and the browser
  // asks again on every load (`no-cache`), yet may keep the page in its back/forward cache
  // (which `no-store` forbids).
  const page = new Response(html, asset);
  // The chat page's body varies with the room's snapshot: the file's ETag does not name it.
  if (initial) page.headers.delete("ETag");
  return withHeaders(rewritePage(page, initial), { ...headers, "Cache-Control": "private, no-cache" });
});

/** nosniff on the API's answers too (a WebSocket's 101 has immutable headers and no body to sniff). */
export const nosniff: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status !== 101) c.header("X-Content-Type-Options", "nosniff");
};

function isChatPage(pathname: string): boolean {
  return pathname === "/" || pathname === "/index.html";
}

/** The snapshot's window as `GET /api/comments` would answer it; null without a usable snapshot. */
async function initialWindow(c: Context<AppEnv>, url: URL): Promise<InitialWindow | null> {
  const room = roomSchema.safeParse(url.searchParams.get("room") || DEFAULT_ROOM);
  if (!room.success) return null;
  const snapshot = await readSnapshot(c.env.SNAPSHOTS, room.data);
  if (!snapshot) return null;
  // The page is anyone's: the public view of each message (the snapshot is stored whole).
  const comments = snapshot.comments.filter((m) => m.seq <= snapshot.seq).map(publicMessage);
  // With its rev, so the page's socket asks for what was removed after the snapshot was written.
  const page: CommentsPage = {
    comments,
    cursor: snapshot.seq,
    hasMore: (comments[0]?.seq ?? 1) > 1,
    rev: snapshot.rev,
  };
  return { room: room.data, page };
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  const out = new Response(response.body, response);
  for (const [k, v] of Object.entries(headers)) out.headers.set(k, v);
  return out;
}
