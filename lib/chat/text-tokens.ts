import type { Mention } from "../../types";

/**
 * Splits message text into plain runs, words (clickable: F2), links (C1) and the mentions the
 * room resolved (E7). Rendering these as React text nodes and elements is what keeps a message
 * from ever becoming HTML.
 */
export type TextToken =
  | { kind: "text"; value: string }
  | { kind: "word"; value: string }
  | { kind: "link"; value: string; href: string }
  | { kind: "mention"; value: string; mention: Mention };

// A URL runs until whitespace or a character that cannot appear unencoded in one.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const WORD_PATTERN = /[\p{L}\p{N}_][\p{L}\p{N}_'’-]*/gu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

export function tokenize(text: string, mentions: readonly Mention[] = []): TextToken[] {
  const tokens: TextToken[] = [];
  const pushWords = mentions.length ? mentionSplitter(mentions) : pushPlainWords;
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    let url = match[0];
    const trailing = TRAILING_PUNCTUATION.exec(url);
    // Keep a closing parenthesis that belongs to the URL, e.g. wiki links "Foo_(bar)".
    if (trailing && !(trailing[0].startsWith(")") && url.includes("("))) url = url.slice(0, -trailing[0].length);
    const href = safeHref(url);
    if (!href) continue;
    pushWords(tokens, text.slice(last, start));
    tokens.push({ kind: "link", value: url, href });
    last = start + url.length;
  }
  pushWords(tokens, text.slice(last));
  return tokens;
}

/** Only http(s) URLs become links; anything the URL parser rejects stays text. */
export function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * Finds `@id` / `@Username` of the resolved mentions in plain runs, as the room matched them:
 * case-insensitive, at a word boundary. The rest of the run splits into words as usual.
 */
function mentionSplitter(mentions: readonly Mention[]) {
  const byName = new Map<string, Mention>();
  for (const m of mentions) {
    // The first resolution of a name wins; an id and a username may both name one entity.
    for (const name of [m.username, m.entity])
      if (name && !byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), m);
  }
  const names = [...byName.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_@])@(${names.join("|")})(?![\\p{L}\\p{N}_])`, "giu");
  return (tokens: TextToken[], run: string) => {
    let last = 0;
    for (const match of run.matchAll(pattern)) {
      const mention = byName.get((match[1] ?? "").toLowerCase());
      if (!mention) continue;
      pushPlainWords(tokens, run.slice(last, match.index));
      tokens.push({ kind: "mention", value: match[0], mention });
      last = match.index + match[0].length;
    }
    pushPlainWords(tokens, run.slice(last));
  };
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function pushPlainWords(tokens: TextToken[], run: string) {
  let last = 0;
  for (const match of run.matchAll(WORD_PATTERN)) {
    if (match.index > last) pushText(tokens, run.slice(last, match.index));
    tokens.push({ kind: "word", value: match[0] });
    last = match.index + match[0].length;
  }
  if (last < run.length) pushText(tokens, run.slice(last));
}

function pushText(tokens: TextToken[], value: string) {
  const previous = tokens.at(-1);
  if (previous?.kind === "text") previous.value += value;
  else tokens.push({ kind: "text", value });
}

/** The word at caret `offset` in `text` (a click on plain text, F2): inside it or at either edge. */
export function wordAt(text: string, offset: number): string | null {
  for (const match of text.matchAll(WORD_PATTERN)) {
    if (match.index > offset) return null;
    if (offset <= match.index + match[0].length) return match[0];
  }
  return null;
}
