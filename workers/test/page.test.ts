import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { FIRST_PAINT_ELEMENT_ID, INITIAL_WINDOW_ELEMENT_ID, initialWindowSchema } from "../../types";
import { rewritePage } from "../page/rewrite";
import { inlineScriptHashes, inlineScripts } from "../page/script-hashes";
import { contentSecurityPolicy, frameAncestors } from "../page/security";
import { type Snapshot, snapshotKey } from "../snapshot";
import { allMessages, call, freshRoom, postMessage } from "./client";

/** Shaped like Next's static export: external chunks, inline bootstrap scripts, an inline JSON island. */
const NEXT_LIKE = `<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>
<link rel="stylesheet" href="/_next/static/css/app.css"/>
<script src="/_next/static/chunks/webpack.js" async=""></script></head>
<body><div id="root"></div>
<script>(self.__next_f=self.__next_f||[]).push([0])</script>
<script>self.__next_f.push([1,"1:\\"$Sreact.fragment\\"\\n"])</script>
<script type="application/json" id="data">{}</script></body></html>`;

const scriptSrcOf = (csp: string) => /(?:^|; )script-src ([^;]*)/.exec(csp)?.[1]?.split(" ") ?? [];

/** The SHA-256 of a script's text as a CSP source, computed here independently of the Worker. */
async function hashSource(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

function initialFrom(html: string) {
  const match = new RegExp(
    `<script id="${INITIAL_WINDOW_ELEMENT_ID}" type="application/json"[^>]*>(.*?)</script>`,
    "s",
  ).exec(html);
  return match ? initialWindowSchema.parse(JSON.parse(match[1] ?? "")) : null;
}

/** Writes the room's snapshot as the room's alarm would (the page only reads it). */
async function writeSnapshot(room: string) {
  const comments = await allMessages(room);
  const snapshot: Snapshot = { v: 1, seq: comments.at(-1)?.seq ?? 0, rev: 0, comments };
  await env.SNAPSHOTS.put(snapshotKey(room), JSON.stringify(snapshot));
}

describe("the page's headers", () => {
  it("the CSP allows only the app's own scripts (plus the page's inline ones by hash), its API and its WebSocket origin", () => {
    const csp = contentSecurityPolicy({
      scriptHashes: ["'sha256-abc'", "'sha256-def'"],
      url: new URL("https://chat.example/?room=x"),
      frameAncestors: undefined,
    });
    const directives = Object.fromEntries(
      csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1).join(" ")]),
    );
    expect(directives).toMatchObject({
      "default-src": "'self'",
      "script-src": "'self' 'sha256-abc' 'sha256-def'",
      "connect-src": "'self' wss://chat.example",
      "frame-ancestors": "'none'",
      "base-uri": "'none'",
      "object-src": "'none'",
    });
    expect(directives["script-src"]).not.toContain("unsafe");
    const local = contentSecurityPolicy({
      scriptHashes: [],
      url: new URL("http://127.0.0.1:8787/"),
      frameAncestors: "",
    });
    expect(local).toContain("connect-src 'self' ws://127.0.0.1:8787");
  });

  it("frame-ancestors comes from FRAME_ANCESTORS; a value that could break out of the directive means 'none'", () => {
    expect(frameAncestors("https://partner.example 'self'")).toBe("https://partner.example 'self'");
    expect(frameAncestors(undefined)).toBe("'none'");
    expect(frameAncestors("https://a.example; script-src *")).toBe("'none'");
    expect(frameAncestors("https://a.example\r\nSet-Cookie: x=1")).toBe("'none'");
  });
});

describe("rewriting a page", () => {
  it("hashes exactly the executable inline scripts, never a JSON island or an external script", async () => {
    expect(inlineScripts(NEXT_LIKE)).toEqual([
      "(self.__next_f=self.__next_f||[]).push([0])",
      'self.__next_f.push([1,"1:\\"$Sreact.fragment\\"\\n"])',
    ]);
    expect(await inlineScriptHashes(NEXT_LIKE)).toEqual([
      await hashSource("(self.__next_f=self.__next_f||[]).push([0])"),
      await hashSource('self.__next_f.push([1,"1:\\"$Sreact.fragment\\"\\n"])'),
    ]);
  });

  it("puts the window island in <head>, as data that never runs", async () => {
    const initial = { room: "global", page: { comments: [], cursor: 7, hasMore: true } };
    const source = new Response(NEXT_LIKE, { headers: { "content-type": "text/html" } });
    const html = await rewritePage(source, initial).text();
    // The island adds no executable script: the page's hashes stay those of the build.
    expect(await inlineScriptHashes(html)).toEqual(await inlineScriptHashes(NEXT_LIKE));
    // Before any of the app's scripts run.
    expect(html.indexOf(INITIAL_WINDOW_ELEMENT_ID)).toBeLessThan(html.indexOf("</head>"));
    expect(initialFrom(html)).toEqual(initial);
  });
});

describe("GET / through the Worker", () => {
  it("carries a CSP allowing exactly its own inline scripts by hash, nosniff, Referrer-Policy and no framing", async () => {
    const first = await call("GET", "/");
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = first.headers.get("content-security-policy") ?? "";
    const inline = inlineScripts(first.body as string);
    expect(inline.length).toBeGreaterThan(0);
    // 'self' and one hash per distinct inline script of this very response: nothing else may run.
    const expected = [...new Set(await Promise.all(inline.map(hashSource)))];
    expect(scriptSrcOf(csp)).toEqual(["'self'", ...expected]);
    expect(scriptSrcOf(csp).join(" ")).not.toMatch(/unsafe|nonce-|\*/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    // Never in a shared cache, always asked again, yet allowed in the back/forward cache (no `no-store`).
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
  });

  it("a revalidating reload gets the whole page and the same script hashes, never a bare 304", async () => {
    const first = await call("GET", "/");
    const etag = first.headers.get("etag");
    const csp = first.headers.get("content-security-policy");
    // The browser revalidates a `no-cache` page with the ETag it holds (or any it ever saw).
    const again = await call("GET", "/", {
      headers: { "If-None-Match": etag ?? '"any"', "If-Modified-Since": new Date().toUTCString() },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get("content-security-policy")).toBe(csp);
    expect(scriptSrcOf(csp ?? "").length).toBeGreaterThan(1);
    expect(inlineScripts(again.body as string).length).toBeGreaterThan(0);
  });

  it("the monitor page is protected the same way; other files and the API say nosniff", async () => {
    const monitor = await call("GET", "/monitor");
    expect(scriptSrcOf(monitor.headers.get("content-security-policy") ?? "")).toEqual([
      "'self'",
      ...new Set(await Promise.all(inlineScripts(monitor.body as string).map(hashSource))),
    ]);
    expect(monitor.body as string).not.toContain(INITIAL_WINDOW_ELEMENT_ID);
    const api = await call("GET", "/api/health");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    const missingApi = await call("GET", "/api/nope");
    expect(missingApi.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("carries the room's recent window from the KV snapshot, escaped, and nothing when there is none", async () => {
    const room = freshRoom("page");
    expect(initialFrom((await call("GET", `/?room=${room}`)).body as string)).toBeNull();
    await postMessage(room, { id: "m1", text: "first" });
    await postMessage(room, { id: "m2", text: "</script><script>alert('x')</script>" });
    await writeSnapshot(room);

    const res = await call("GET", `/?room=${room}`);
    const html = res.body as string;
    expect(html).not.toContain("<script>alert('x')");
    const initial = initialFrom(html);
    expect(initial?.room).toBe(room);
    expect(initial?.page.comments.map((m) => m.id)).toEqual(["m1", "m2"]);
    expect(initial?.page.comments[1]?.text).toBe("</script><script>alert('x')</script>");
    const api = await call("GET", `/api/comments?room=${room}`);
    expect(initial?.page.cursor).toBe(api.body.cursor);
    expect(initial?.page.hasMore).toBe(false);
    expect(html).toContain(`id="${INITIAL_WINDOW_ELEMENT_ID}" type="application/json">`);
    // The same rows as static markup at the top of <body>, escaped, painted before any script runs.
    const firstPaint = new RegExp(`<div id="${FIRST_PAINT_ELEMENT_ID}"[^>]*>(.*?)</div>`).exec(html)?.[1] ?? "";
    expect(firstPaint).toMatch(/Alice:<\/span><span style="color:rgb\(/);
    expect(firstPaint).toContain(">first</span>");
    expect(firstPaint).toContain("&#60;/script&#62;&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;");
    expect(html.indexOf(FIRST_PAINT_ELEMENT_ID)).toBeGreaterThan(html.indexOf("<body"));

    // A room name the API would refuse gets the page without a window, not an error.
    const bad = await call("GET", "/?room=no%20spaces");
    expect(bad.status).toBe(200);
    expect(initialFrom(bad.body as string)).toBeNull();
  });
});
