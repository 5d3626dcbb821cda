/**
 * The CSP hashes of a page's inline scripts. Next's static export writes its bootstrap scripts
 * into the HTML at build time, so their text is the same for every response of a page: hashing
 * them (instead of a fresh nonce per response) keeps the policy as strict — only those exact
 * scripts run — while the HTML no longer has to be unique per response, which is what let the
 * page be stored in the browser's back/forward cache (a nonce forces `Cache-Control: no-store`).
 */

/** `<script …>text</script>`; the text is raw (the HTML parser decodes nothing inside a script). */
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
/** Types a browser executes; anything else (application/json islands) is data, not script. */
const EXECUTABLE_TYPE = /^(|text\/javascript|application\/javascript|module)$/i;

export function inlineScripts(html: string): string[] {
  const out: string[] = [];
  for (const [, attributes = "", text = ""] of html.matchAll(SCRIPT)) {
    if (/\bsrc\s*=/i.test(attributes)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attributes)?.[1] ?? "";
    if (EXECUTABLE_TYPE.test(type.trim())) out.push(text);
  }
  return out;
}

/** `'sha256-…'` source expressions for every inline script of `html`, each once, in page order. */
export async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const text of inlineScripts(html)) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    const source = `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
    if (!hashes.includes(source)) hashes.push(source);
  }
  return hashes;
}
