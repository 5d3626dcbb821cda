import type { ReadRecord } from "../../types";

/**
 * E9: "show what this entity read": the view narrowed to a set of message seqs, kept as sorted,
 * disjoint, inclusive ranges so that a long list of seqs stays short in the URL hash
 * (`seq=140-155+160`).
 */
export type SeqRange = readonly [first: number, last: number];

/** As many ranges as a read record can list seqs. */
export const MAX_SEQ_RANGES = 200;

/** Sorted, merged ranges covering exactly `seqs`. */
export function rangesOf(seqs: readonly number[]): SeqRange[] {
  const sorted = [...new Set(seqs)].filter((n) => Number.isSafeInteger(n) && n > 0).sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return ranges;
}

/** Sorts and merges overlapping or touching ranges (input from a URL may be in any order). */
export function normalizeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [first, last] of sorted) {
    const prev = merged.at(-1);
    if (prev && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
    else merged.push([first, last]);
  }
  return merged;
}

/** The messages an entity read: exactly the listed seqs, else its first-last range; null when it says neither. */
export function readRanges(read: ReadRecord): SeqRange[] | null {
  if (read.seqs?.length) return rangesOf(read.seqs);
  if (read.first !== undefined && read.last !== undefined && read.first <= read.last) return [[read.first, read.last]];
  return null;
}

export function inRanges(seq: number, ranges: readonly SeqRange[]): boolean {
  // Few ranges in practice; a binary search would only matter for hundreds.
  return ranges.some(([first, last]) => seq >= first && seq <= last);
}

/** `#140–#155`, `#140–#155, #160`, or the ends with a count when many. */
export function rangesLabel(ranges: readonly SeqRange[]): string {
  const one = ([first, last]: SeqRange) => (first === last ? `#${first}` : `#${first}–#${last}`);
  if (ranges.length <= 2) return ranges.map(one).join(", ");
  const first = ranges[0]?.[0];
  const last = ranges.at(-1)?.[1];
  return `${ranges.length} ranges, #${first}–#${last}`;
}

/** The menu item for an AI reply that says what it read: "Sage read 12 messages, #140–#155". */
export function readLabel(username: string, read: ReadRecord): string {
  const count = read.count === 1 ? "1 message" : `${read.count} messages`;
  const ranges = readRanges(read);
  if (!ranges?.length) return `${username} read ${count}`;
  const first = ranges[0]?.[0];
  const last = ranges.at(-1)?.[1];
  return `${username} read ${count}, ${first === last ? `#${first}` : `#${first}–#${last}`}`;
}

/** `140-155`, `160`: one hash list item per range. */
export function formatRange([first, last]: SeqRange): string {
  return first === last ? String(first) : `${first}-${last}`;
}

const RANGE_ITEM = /^(\d{1,15})(?:-(\d{1,15}))?$/;

/** One hash list item, or null when it is not a positive seq or an ascending range of them. */
export function parseRange(item: string): SeqRange | null {
  const match = RANGE_ITEM.exec(item);
  if (!match) return null;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first) return null;
  return [first, last];
}
