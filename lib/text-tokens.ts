/**
 * Splits message text into plain runs, words (clickable: F2) and links (C1). Rendering these as
 * React text nodes and <a> elements is what keeps a message from ever becoming HTML.
 */
export type TextToken =
  | { kind: "text"; value: string }
  | { kind: "word"; value: string }
  | { kind: "link"; value: string; href: string };

// A URL runs until whitespace or a character that cannot appear unencoded in one.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const WORD_PATTERN = /[\p{L}\p{N}_][\p{L}\p{N}_'’-]*/gu;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

export function tokenize(text: string): TextToken[] {
  const tokens: TextToken[] = [];
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

function pushWords(tokens: TextToken[], run: string) {
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
