import type { ChatMessage } from "@/hooks/use-messages";
import { markerState } from "./queue-marker";

/**
 * A message row's height before it is laid out, from its text: the virtualised list places the
 * rows it has not rendered yet at these heights, and every row rendered at a wrong one moves the
 * rows after it (and the scroll position) once measured. A flat one-line guess was wrong for
 * most rows: on a phone, a 100-character message takes four lines.
 *
 * The row box (components/message-row.tsx): 20 px lines of 13 px monospace text with 3 px above
 * and below, at least as tall as its time column; the text column is the row's width less px-3
 * on both sides, the 36 px time column, its 12 px gap and pr-6 (px-4 from the `sm` breakpoint on).
 */
const LINE_PX = 20;
const ROW_PADDING_PX = 6;
/** The time column (a 20 px line below 1 px of padding) is what a one-line row's height is. */
const TIME_COLUMN_PX = 21;
const TEXT_INSET_PX = 12 + 36 + 12 + 24 + 12;
const TEXT_INSET_SM_PX = TEXT_INSET_PX + 8;
/** A queue or job marker (`mt-0.5`, a 20 px line), and the scene-paused note (`mt-0.5`, 16 px). */
const MARKER_PX = 22;
const PAUSED_PX = 18;

/**
 * One character of the rows' 13 px monospace text. Monospace faces are about 0.6 em wide (DejaVu
 * Sans Mono, Menlo, JetBrains Mono; Consolas a little less): a constant, because measuring the
 * font on a canvas cost a phone some 25 ms while the page starts, for an estimate.
 */
const CHAR_PX = 7.8;

export interface RowMetrics {
  /** Characters on one line of a row's text column. */
  charsPerLine: number;
}

/** The metrics for a list `listWidth` wide (nothing is laid out or measured). */
export function rowMetrics(listWidth: number): RowMetrics {
  const wide = typeof matchMedia === "function" && matchMedia("(min-width: 40rem)").matches;
  const textWidth = listWidth - (wide ? TEXT_INSET_SM_PX : TEXT_INSET_PX);
  return { charsPerLine: Math.max(1, Math.floor(textWidth / CHAR_PX)) };
}

/** The row's height as laid out at `metrics` (wrapping at characters, so often a line short). */
export function estimateRowHeight(message: ChatMessage, metrics: RowMetrics): number {
  // `name:` and its margin start the first line (the AI mark adds about two characters).
  let lead = message.username.length + 2 + (message["message-type"] === "AI" ? 2 : 0);
  let lines = 0;
  let start = 0;
  // The text keeps its line breaks (`whitespace-pre-wrap`): each one starts a line.
  for (;;) {
    const end = message.text.indexOf("\n", start);
    const length = (end < 0 ? message.text.length : end) - start;
    lines += Math.max(1, Math.ceil((lead + length) / metrics.charsPerLine));
    lead = 0;
    if (end < 0) break;
    start = end + 1;
  }
  let height = ROW_PADDING_PX + Math.max(TIME_COLUMN_PX, lines * LINE_PX);
  if ((message.jobs?.length ?? 0) > 1 || markerState(message)) height += MARKER_PX;
  if (message.scene?.paused) height += PAUSED_PX;
  return height;
}
