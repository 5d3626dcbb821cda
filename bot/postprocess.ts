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
