import { textColor, usernameColor } from "../../lib/shared/colors";
import { relativeTime } from "../../lib/shared/time";
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

// The classes of the app's own row (components/message-row.tsx), so each static row has the very
// box the app's row will have: when the app's list takes over, nothing moves and no larger text
// appears, and the Largest Contentful Paint stays the one painted with the HTML.
const ROW = "group relative flex items-start gap-3 px-3 py-[3px] sm:px-4";
const TIME = "w-9 shrink-0 pt-px text-right font-sans text-[11px] leading-5 text-muted tabular-nums";
const TEXT = "min-w-0 flex-1 whitespace-pre-wrap break-words pr-6 font-mono text-[13px] leading-5";
const NAME = "mr-1.5 inline-block rounded-sm";
const AI_MARK = '<span class="mr-1 text-[9px] align-[1px]">◆</span>';

/**
 * The newest messages as static rows in the chat's own layout and classes, so the page shows
 * them with its first paint. Decorative for assistive technology (aria-hidden): the app's real
 * list replaces it moments later (components/chat.tsx).
 */
export function firstPaintMarkup(comments: readonly Message[], now = Date.now()): string {
  const rows = comments
    .filter((m) => !m.removed && m.text)
    .slice(-FIRST_PAINT_ROWS)
    .map(
      (m, i, all) =>
        // The id lets the app's list start each of these rows at the height laid out here.
        `<li class="${ROW}" data-id="${escapeHtml(m.id)}"><time class="${TIME}">${escapeHtml(relativeTime(m.timestamp, now))}</time>` +
        // Element Timing marks when the newest row is actually painted (bench/app-perf.ts reads it).
        `<p class="${TEXT}"${i === all.length - 1 ? ` elementtiming="${FIRST_PAINT_ELEMENT_ID}"` : ""}>` +
        `<span class="${NAME}" style="color:${usernameColor(m.color)}">` +
        `${m["message-type"] === "AI" ? AI_MARK : ""}${escapeHtml(m.username)}:</span>` +
        `<span style="color:${textColor(m.color)}">${escapeHtml(m.text)}</span></p></li>`,
    )
    .join("");
  // From the top of the screen (the app's header is not painted yet) to the composer's top edge
  // (101 px on a phone), bottom-aligned like the app's list: every row the app's list shows is
  // here too, at the same size.
  return (
    `<div id="${FIRST_PAINT_ELEMENT_ID}" aria-hidden="true" style="position:fixed;inset:0 0 101px 0;` +
    `overflow:hidden;display:flex;flex-direction:column;justify-content:flex-end;background:#000;pointer-events:none">` +
    `<ul aria-label="Messages" style="margin:0;padding:0 0 8px;list-style:none">${rows}</ul></div>`
  );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
