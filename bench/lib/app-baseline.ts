// Same-run baselines for bench/app-perf.ts: the seeded messages, the bare no-JS HTML pages the
// Worker serves next to the app, and the JavaScript a page ships. Pure apart from reading out/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The attribute every bare page carries, so the bench can tell it from the app's SPA fallback. */
export const BARE_PAGE_ATTRIBUTE = "data-bench-bare-page";

const SPEAKERS = ["Alice", "kai_", "bob", "mira", "Sage"];
const SPEAKER_COLORS = ["255170120", "120200255", "170230120", "240200100", "120200150"];

export interface SeedMessage {
  id: string;
  text: string;
  username: string;
  /** Wire color, `RRRGGGBBB`. */
  color: string;
}

/** The i-th message the bench seeds into the room. */
export function seedMessage(i: number): SeedMessage {
  return {
    id: `bench-${i}`,
    text: `message ${i}: ${"a fairly ordinary line of chat ".repeat(1 + (i % 4))}`.trim(),
    username: SPEAKERS[i % SPEAKERS.length]!,
    color: SPEAKER_COLORS[i % SPEAKER_COLORS.length]!,
  };
}

/** One message row as the app painted it (the text and colors read back from its DOM). */
export interface PaintedRow {
  time: string;
  username: string;
  usernameColor: string;
  text: string;
  textColor: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** The app's row box (13 px monospace on 20 px lines, 3 px above and below), so rows are as tall as the app's. */
const BARE_STYLE = `html,body{margin:0;background:#000;color:#fff}
ul{list-style:none;margin:0;padding:0 0 8px}
li{padding:3px 40px 3px 16px;font:13px/20px "JetBrains Mono",ui-monospace,"DejaVu Sans Mono",monospace;white-space:pre-wrap;overflow-wrap:break-word}
time{display:inline-block;width:36px;margin-right:12px;text-align:right;font:11px/20px sans-serif;color:#8e8e8e}
b{font-weight:normal;margin-right:6px}`;

function bareRow(row: PaintedRow): string {
  return `<li><time>${escapeHtml(row.time)}</time><b style="color:${escapeHtml(row.usernameColor)}">${escapeHtml(row.username)}:</b><span style="color:${escapeHtml(row.textColor)}">${escapeHtml(row.text)}</span></li>`;
}

function barePage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en" ${BARE_PAGE_ATTRIBUTE}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${BARE_STYLE}</style></head>
<body>${body}</body></html>
`;
}

/** Baseline for first load: the rows of the app's first screen as plain HTML, no script, no stylesheet. */
export function firstScreenPage(rows: readonly PaintedRow[]): string {
  return barePage("bench baseline: first screen", `<ul aria-label="Messages">${rows.map(bareRow).join("")}</ul>`);
}

/**
 * Baseline for scrolling: every seeded message as a plain row, all in the DOM (not virtualised),
 * in a `.scroll-area` scroller as tall as the app's, so the same scroll loop drives both.
 */
export function allRowsPage(count: number, scrollerHeightPx: number, colors: ReadonlyMap<string, PaintedRow>): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = seedMessage(i);
    const painted = colors.get(m.username);
    const wire = `rgb(${Number(m.color.slice(0, 3))} ${Number(m.color.slice(3, 6))} ${Number(m.color.slice(6, 9))})`;
    rows.push(
      bareRow({
        time: "1m",
        username: m.username,
        usernameColor: painted?.usernameColor ?? wire,
        text: m.text,
        textColor: painted?.textColor ?? wire,
      }),
    );
  }
  return barePage(
    "bench baseline: all rows",
    `<div class="scroll-area" style="height:${scrollerHeightPx}px;overflow-y:auto"><ul aria-label="Messages">${rows.join("\n")}</ul></div>`,
  );
}

export interface ShippedJs {
  page: string;
  /** Script paths as referenced by the page, in order. */
  sources: string[];
  rawBytes: number;
  gzipBytes: number;
}

/** The module scripts a built page references (the `noModule` polyfills old browsers alone fetch are left out). */
export function shippedJs(outDir: string, page: string): ShippedJs {
  const html = readFileSync(join(outDir, page), "utf8");
  const tags = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"[^>]*>/g)].filter((m) => !/nomodule/i.test(m[0]));
  const sources = [...new Set(tags.map((m) => m[1]!))];
  if (sources.length === 0) throw new Error(`out/${page} references no scripts: run \`npm run build\` first`);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const src of sources) {
    const file = readFileSync(join(outDir, decodeURIComponent(src.replace(/^\//, ""))));
    rawBytes += file.length;
    gzipBytes += gzipSync(file, { level: 9 }).length;
  }
  return { page, sources, rawBytes, gzipBytes };
}
