import { LIMITS } from "../types/message.ts";
import { readSoFar } from "./thinking.ts";

export interface PostprocessRules {
  /** Phrases removed wherever they appear. */
  filterOut: string[];
  /** The reply is cut at the first of these phrases (the phrase and everything after it go). */
  trimAfter: string[];
}

export type Processed = { kind: "reply"; text: string } | { kind: "skip" } | { kind: "empty" };

/** What an entity answers to stay silent: the message completes without a reply. */
export const SKIP_MARKER = "[SKIP]";

/** What marks a reply the model's token limit cut off mid-answer. */
export const CUT_MARK = "…";

/**
 * Turns the model's answer (thinking already removed, bot/thinking.ts) into what gets posted, a
 * decision to stay silent, or nothing at all. `cutShort`: the model stopped at its token limit,
 * so the reply ends with {@link CUT_MARK}, unless a trim-after phrase had already ended it.
 */
export function postprocess(
  raw: string,
  rules: PostprocessRules,
  maxChars: number = LIMITS.textMax,
  cutShort = false,
): Processed {
  let text = raw;
  for (const phrase of rules.filterOut) {
    if (phrase) text = text.split(phrase).join("");
  }
  const cut = firstIndexOf(text, rules.trimAfter);
  if (cut !== null) text = text.slice(0, cut);
  text = text.trim();
  if (text.toUpperCase() === SKIP_MARKER) return { kind: "skip" };
  if (text.length === 0) return { kind: "empty" };
  const fitted = fitTo(text, maxChars);
  if (!cutShort || cut !== null || fitted.endsWith(CUT_MARK)) return { kind: "reply", text: fitted };
  return { kind: "reply", text: fitTo(`${text}${CUT_MARK}`, maxChars) };
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

/** The draft is "the model is thinking" (what it thinks is never shown). One shared object: views compare with `===`. */
export const THINKING = Object.freeze({ phase: "thinking" as const });
/** What one progress call shows: the answer so far, or that the model is thinking. */
export type DraftView = string | typeof THINKING;

/**
 * What a draft shows of the output so far: the answer as {@link draftText} allows it, or
 * {@link THINKING} while the model thinks with no answer yet (inside an inline think block, or the
 * server has sent reasoning and no answer). Null when there is nothing to show.
 */
export function draftView(rawSoFar: string, reasoned: boolean, rules: PostprocessRules): DraftView | null {
  const { answer, thinking } = readSoFar(rawSoFar);
  const text = draftText(answer, rules);
  if (text !== null) return text;
  if (thinking || (reasoned && answer.trim() === "")) return THINKING;
  return null;
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
