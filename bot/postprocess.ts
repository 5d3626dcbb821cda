import { LIMITS } from "../types/message.ts";

export interface PostprocessRules {
  /** Phrases removed wherever they appear. */
  filterOut: string[];
  /** The reply is cut at the first of these phrases (the phrase and everything after it go). */
  trimAfter: string[];
}

export type Processed = { kind: "reply"; text: string } | { kind: "skip" } | { kind: "empty" };

/** What an entity answers to stay silent: the message completes without a reply. */
export const SKIP_MARKER = "[SKIP]";

/** Turns the model's raw output into what gets posted, a decision to stay silent, or nothing at all. */
export function postprocess(raw: string, rules: PostprocessRules, maxChars: number = LIMITS.textMax): Processed {
  let text = raw;
  for (const phrase of rules.filterOut) {
    if (phrase) text = text.split(phrase).join("");
  }
  const cut = firstIndexOf(text, rules.trimAfter);
  if (cut !== null) text = text.slice(0, cut);
  text = text.trim();
  if (text.toUpperCase() === SKIP_MARKER) return { kind: "skip" };
  if (text.length === 0) return { kind: "empty" };
  return { kind: "reply", text: fitTo(text, maxChars) };
}

function firstIndexOf(text: string, phrases: string[]): number | null {
  let first: number | null = null;
  for (const phrase of phrases) {
    if (!phrase) continue;
    const at = text.indexOf(phrase);
    if (at >= 0 && (first === null || at < first)) first = at;
  }
  return first;
}

/** The API stores at most `maxChars`; a longer answer is shortened visibly rather than rejected. */
function fitTo(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return `${chars
    .slice(0, maxChars - 1)
    .join("")
    .trimEnd()}…`;
}

/**
 * What a draft may show of the text generated so far: the same rules as the final reply, and
 * nothing the final reply might not contain. A tail that could still grow into a filter-out or
 * trim-after phrase is held back until the next tokens decide it, and text that could still turn
 * out to be the skip marker is not shown at all. Null when nothing can be shown yet.
 */
export function draftText(rawSoFar: string, rules: PostprocessRules, maxChars: number = LIMITS.textMax): string | null {
  const undecided = longestPhraseStartAtEnd(rawSoFar, [...rules.filterOut, ...rules.trimAfter]);
  const processed = postprocess(rawSoFar.slice(0, rawSoFar.length - undecided), rules, maxChars);
  if (processed.kind !== "reply") return null;
  if (SKIP_MARKER.startsWith(processed.text.toUpperCase())) return null;
  return processed.text;
}

/** Length of the longest end of `text` that is the start (not the whole) of one of `phrases`. */
function longestPhraseStartAtEnd(text: string, phrases: string[]): number {
  let longest = 0;
  for (const phrase of phrases) {
    for (let k = Math.min(phrase.length - 1, text.length); k > longest; k--) {
      if (text.endsWith(phrase.slice(0, k))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}
