import { FIRST_PAINT_ELEMENT_ID, INITIAL_WINDOW_ELEMENT_ID, type InitialWindow, type Message } from "../../types";

/**
 * Streams the chat page through HTMLRewriter: the recent window as non-executable JSON at the end
 * of `<head>` (no CSP hash needed: it never runs), so the first paint needs no request.
 */
export function rewritePage(page: Response, initial: InitialWindow | null): Response {
  if (!initial) return page;
  const rewriter = new HTMLRewriter();
  const tag = initialWindowTag(initial);
  const rows = firstPaintMarkup(initial.page.comments);
  let placed = false;
  let painted = false;
  rewriter
    .on("head", {
      element(head) {
        head.append(tag, { html: true });
        placed = true;
      },
    })
    // The newest rows as plain markup, painted with the HTML before any script runs; the app
    // removes it once its own list has rendered (components/chat.tsx). Last in <body>: React
    // hydrates the body's children in order, and a leading element it does not own is a mismatch.
    .on("body", {
      element(body) {
        body.append(rows, { html: true });
        painted = true;
      },
    })
    // A page without a literal <head> or <body> (the placeholder before a build) still gets
    // both, at the end.
    .onDocument({
      end(end) {
        if (!placed) end.append(tag, { html: true });
        if (!painted) end.append(rows, { html: true });
      },
    });
  return rewriter.transform(page);
}

/** JSON inside `<script>` cannot contain `</script>` once every `<` is written as `\u003c`. */
export function initialWindowTag(initial: InitialWindow): string {
  const json = JSON.stringify(initial).replace(/</g, "\\u003c");
  return `<script id="${INITIAL_WINDOW_ELEMENT_ID}" type="application/json">${json}</script>`;
}

/** How many of the newest messages the first paint shows: a phone screen's worth and more. */
const FIRST_PAINT_ROWS = 40;

/**
 * The newest messages as static rows in the chat's own layout (header and composer heights,
 * the same font and colors), so the page shows them with its first paint. Decorative for
 * assistive technology (aria-hidden): the app's real list replaces it moments later.
 */
export function firstPaintMarkup(comments: readonly Message[]): string {
  const rows = comments
    .filter((m) => !m.removed && m.text)
    .slice(-FIRST_PAINT_ROWS)
    .map(
      (m, i, all) =>
        // Element Timing marks when the newest row is actually painted (bench/app-perf.ts reads it).
        `<li${i === all.length - 1 ? ` elementtiming="${FIRST_PAINT_ELEMENT_ID}"` : ""} style="padding:2px 16px;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere">` +
        `<span style="color:${rgb(m.color)};font-weight:600">${escapeHtml(m.username)}:</span> ` +
        `<span style="color:#e5e5e5">${escapeHtml(m.text)}</span></li>`,
    )
    .join("");
  return (
    `<div id="${FIRST_PAINT_ELEMENT_ID}" aria-hidden="true" style="position:fixed;inset:44px 0 96px 0;` +
    `overflow:hidden;display:flex;flex-direction:column;justify-content:flex-end;background:#000;` +
    `font:14px/1.4 ui-sans-serif,system-ui,sans-serif;pointer-events:none">` +
    `<ul aria-label="Messages" style="margin:0;padding:0 0 8px;list-style:none">${rows}</ul></div>`
  );
}

function rgb(color: string): string {
  const [r, g, b] = [0, 3, 6].map((i) => Number(color.slice(i, i + 3)) || 200);
  return `rgb(${r},${g},${b})`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
