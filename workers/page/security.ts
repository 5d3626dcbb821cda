/**
 * The headers a served page defends itself with. Pure: the nonce and the request's
 * origin come in, the header values go out, so they are unit-testable and the same everywhere.
 */

export interface PagePolicy {
  /** `'sha256-…'` of each inline script the page holds (workers/page/script-hashes.ts): only those run. */
  scriptHashes: readonly string[];
  /** The page's own URL: the live socket connects back to its host over ws/wss. */
  url: URL;
  /** `FRAME_ANCESTORS`: who may embed the page (CSP source list); default `'none'`. */
  frameAncestors: string | undefined;
}

const NONE = "'none'";
/** A source list is tokens like `'self'`, `https://partner.example`, `*.example.com`: nothing that could end the directive. */
const SOURCE_LIST = /^[A-Za-z0-9'*:/._\- ]{1,500}$/;

/** The configured frame-ancestors, or `'none'` when unset or malformed (a bad value must not open the page up). */
export function frameAncestors(configured: string | undefined): string {
  const value = configured?.trim();
  if (!value) return NONE;
  if (!SOURCE_LIST.test(value)) {
    console.warn(`[page] FRAME_ANCESTORS ${JSON.stringify(value)} is not a CSP source list; using 'none'`);
    return NONE;
  }
  return value;
}

export function contentSecurityPolicy(policy: PagePolicy): string {
  const socket = `${policy.url.protocol === "https:" ? "wss" : "ws"}://${policy.url.host}`;
  return [
    "default-src 'self'",
    // Next's static export has inline bootstrap scripts, fixed at build time: each is allowed by its hash.
    ["script-src 'self'", ...policy.scriptHashes].join(" "),
    // React sets style attributes (identity tints, virtual list offsets): those need 'unsafe-inline'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${socket}`,
    `frame-ancestors ${frameAncestors(policy.frameAncestors)}`,
    "base-uri 'none'",
    "object-src 'none'",
    "form-action 'self'",
  ].join("; ");
}

/** Every response, HTML or not. */
export const ALWAYS = { "X-Content-Type-Options": "nosniff" } as const;

export function pageHeaders(policy: PagePolicy): Record<string, string> {
  const headers: Record<string, string> = {
    ...ALWAYS,
    "Content-Security-Policy": contentSecurityPolicy(policy),
    "Referrer-Policy": "strict-origin-when-cross-origin",
  };
  // Browsers without frame-ancestors still honour the old header; it only has a value for "nobody".
  if (frameAncestors(policy.frameAncestors) === NONE) headers["X-Frame-Options"] = "DENY";
  return headers;
}
