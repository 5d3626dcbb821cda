import { INITIAL_WINDOW_ELEMENT_ID, type InitialWindow } from "../../types";

/**
 * Streams a page through HTMLRewriter: the nonce on every `<script>`, and (on the chat page) the
 * recent window as non-executable JSON at the end of `<head>`, so the first paint needs no request.
 */
export function rewritePage(page: Response, nonce: string, initial: InitialWindow | null): Response {
  const rewriter = new HTMLRewriter().on("script", {
    element(script) {
      script.setAttribute("nonce", nonce);
    },
  });
  if (initial) {
    const tag = initialWindowTag(initial, nonce);
    let placed = false;
    rewriter
      .on("head", {
        element(head) {
          head.append(tag, { html: true });
          placed = true;
        },
      })
      // A page without a literal <head> (the placeholder before a build) still gets it, at the end.
      .onDocument({
        end(end) {
          if (!placed) end.append(tag, { html: true });
        },
      });
  }
  return rewriter.transform(page);
}

/** JSON inside `<script>` cannot contain `</script>` once every `<` is written as `\u003c`. */
export function initialWindowTag(initial: InitialWindow, nonce: string): string {
  const json = JSON.stringify(initial).replace(/</g, "\\u003c");
  return `<script id="${INITIAL_WINDOW_ELEMENT_ID}" type="application/json" nonce="${nonce}">${json}</script>`;
}
