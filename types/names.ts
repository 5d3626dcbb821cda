/**
 * What a displayed name may contain (a person's username, an entity's username): a name is an
 * identity here (there are no accounts), so two names that look the same must be the same string.
 *
 * - Names are NFC-normalized before anything else, so `e` + U+0301 and `é` are one name, and
 *   lengths are counted on the normalized form, in code points (what zod's `.max` counts, so the
 *   limits in LIMITS mean code points everywhere: see `nameLength`).
 * - Refused, each with a message that names the rule and the first offending code point:
 *   lone surrogates; text-direction (bidi) controls; invisible characters (zero-width ones, fillers
 *   that render as blank, variation selectors, tag characters); whitespace; control and other
 *   format characters (Cc, Cf).
 * - Emoji stay possible: U+200D (zero-width joiner) between two pictographs, and the variation
 *   selectors U+FE0E/U+FE0F right after a pictograph or a keycap base, as in 👩‍💻, ❤️ and 1️⃣.
 *   Anywhere else they are invisible and refused.
 *
 * Pure and dependency-free: the schemas in message.ts use it, and so can the composer.
 */

/** Reverses the text direction around them: `abc\u202Efed` shows as `abcdef`. */
const DIRECTION_CONTROLS = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e]);
const DIRECTION_ISOLATES = { from: 0x2066, to: 0x2069 };

/** Code points that render as nothing (or as blank space that is not whitespace to a regex). */
const INVISIBLE_RANGES: readonly [number, number][] = [
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x115f, 0x1160], // Hangul choseong/jungseong fillers
  [0x17b4, 0x17b5], // Khmer inherent vowels
  [0x180b, 0x180f], // Mongolian variation selectors and vowel separator
  [0x200b, 0x200d], // zero-width space, non-joiner, joiner
  [0x2060, 0x2064], // word joiner, invisible operators
  [0x206a, 0x206f], // deprecated format characters
  [0x2800, 0x2800], // braille pattern blank
  [0x3164, 0x3164], // Hangul filler
  [0xfe00, 0xfe0f], // variation selectors
  [0xfeff, 0xfeff], // zero-width no-break space (byte order mark)
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0x1d159, 0x1d159], // musical symbol null notehead
  [0x1d173, 0x1d17a], // musical formatting controls
  [0xe0000, 0xe007f], // tag characters
  [0xe0100, 0xe01ef], // variation selectors supplement
];

const ZERO_WIDTH_JOINER = 0x200d;
const EMOJI_VARIATION = { text: 0xfe0e, emoji: 0xfe0f };
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;
const EMOJI_MODIFIER = /^\p{Emoji_Modifier}$/u;
const KEYCAP_BASE = /^[0-9#*]$/;
/** JavaScript's `\s`, less U+FEFF (which is reported as invisible, what it looks like). */
const WHITESPACE = /^\s$/u;
const CONTROL_OR_FORMAT = /^[\p{Cc}\p{Cf}]$/u;

const inRanges = (cp: number, ranges: readonly [number, number][]) => ranges.some(([a, b]) => cp >= a && cp <= b);
const isPictograph = (cp: number | undefined) => cp !== undefined && PICTOGRAPH.test(String.fromCodePoint(cp));

/** `U+200B`: how a message names a code point. */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A name's length as the limits count it: code points of the NFC form (zod's `.max` counts the same). */
export function nameLength(name: string): number {
  return Array.from(name).length;
}

/** The form a name is stored, compared and muted in. */
export function normalizeName(name: string): string {
  return name.normalize("NFC");
}

/**
 * Whether an otherwise invisible joiner or selector at `index` is part of an emoji: a ZWJ between
 * two pictographs (a modifier or selector may sit between the first and the joiner), or a
 * presentation selector after a pictograph or keycap base.
 */
function isEmojiGlue(cps: readonly number[], index: number): boolean {
  const cp = cps[index];
  if (cp === EMOJI_VARIATION.text || cp === EMOJI_VARIATION.emoji) {
    const before = cps[index - 1];
    return before !== undefined && (isPictograph(before) || KEYCAP_BASE.test(String.fromCodePoint(before)));
  }
  if (cp !== ZERO_WIDTH_JOINER) return false;
  let i = index - 1;
  while (i >= 0) {
    const prev = cps[i] as number;
    if (prev !== EMOJI_VARIATION.emoji && !EMOJI_MODIFIER.test(String.fromCodePoint(prev))) break;
    i--;
  }
  return isPictograph(cps[i]) && isPictograph(cps[index + 1]);
}

/** Which rule a single code point breaks, if any (`cps` and `index` give it its neighbours). */
function ruleBroken(cps: readonly number[], index: number): string | null {
  const cp = cps[index] as number;
  if (cp >= 0xd800 && cp <= 0xdfff) return "a lone surrogate";
  if (DIRECTION_CONTROLS.has(cp) || (cp >= DIRECTION_ISOLATES.from && cp <= DIRECTION_ISOLATES.to)) {
    return "text-direction controls";
  }
  if (inRanges(cp, INVISIBLE_RANGES)) return isEmojiGlue(cps, index) ? null : "invisible characters";
  const char = String.fromCodePoint(cp);
  if (WHITESPACE.test(char)) return "whitespace";
  if (CONTROL_OR_FORMAT.test(char)) return "control characters";
  return null;
}

/**
 * The first rule an NFC-normalized name breaks, as a message a person can act on (e.g.
 * `username cannot contain invisible characters (U+200B)`), or null when the name is fine.
 * Whitespace is reported without a code point, as it always was: the person can see it.
 */
export function nameProblem(name: string, label = "username"): string | null {
  // Iterating a string by code point yields a lone surrogate as its own one-unit "code point".
  const cps = Array.from(name, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < cps.length; i++) {
    const rule = ruleBroken(cps, i);
    if (rule === "whitespace") return `${label} cannot contain whitespace`;
    if (rule) return `${label} cannot contain ${rule} (${codePointLabel(cps[i] as number)})`;
  }
  return null;
}
