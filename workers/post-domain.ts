/**
 * F8: a message's `domain` is the server's word, so the "this domain" filter can be trusted. It is
 * the host the post came from: the Origin header's host name (a browser sets it and a page cannot
 * forge it), else the request URL's. A body `domain` (legacy clients send one) is kept only when
 * it already says the same; anything else is replaced, never refused, so no message is lost.
 */
export function postedDomain(origin: string | undefined, requestUrl: string): string {
  return originHost(origin) ?? new URL(requestUrl).hostname;
}

/** The Origin header's host name, lower case, without the port (as the page's `location.hostname`). */
function originHost(origin: string | undefined): string | null {
  // `null` is what sandboxed frames and file: pages send: no host to name.
  if (!origin || origin === "null") return null;
  try {
    return new URL(origin).hostname || null;
  } catch {
    return null;
  }
}
