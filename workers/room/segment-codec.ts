import type { Message } from "../../types";
import { tombstone } from "./rows";

/** What one R2 segment holds: consecutive settled messages of one room, ascending by seq. */
export interface Segment {
  v: 1;
  room: string;
  firstSeq: number;
  lastSeq: number;
  messages: Message[];
}

/** Which users and types a segment holds, so filtered reads skip the segments that cannot match. */
export interface SegmentSummary {
  types: string[];
  users: string[];
}

/** R2 key of a segment: room, then the zero-padded seq range, so a listing sorts in seq order. */
export function segmentKey(room: string, firstSeq: number, lastSeq: number): string {
  const pad = (n: number) => String(n).padStart(15, "0");
  return `rooms/${encodeURIComponent(room)}/${pad(firstSeq)}-${pad(lastSeq)}.json.gz`;
}

export const userKey = (username: string, color: string) => `u:${username}:${color}`;
export const typeKey = (type: string) => `t:${type}`;

export function summarize(messages: Message[]): SegmentSummary {
  const types = new Set<string>();
  const users = new Set<string>();
  for (const m of messages) {
    types.add(m["message-type"]);
    users.add(userKey(m.username, m.color));
  }
  return { types: [...types].map(typeKey), users: [...users] };
}

/** gzip-compressed JSON through the platform's CompressionStream (no library needed in workerd). */
export async function encodeSegment(segment: Segment): Promise<Uint8Array> {
  const json = new Blob([JSON.stringify(segment)]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(json).arrayBuffer());
}

/** What a segment's `corrupt` note says when its object is gone (rather than unreadable). */
export const MISSING_OBJECT = "the object is missing from R2";

/** Whether a segment's recorded damage is a missing object or bytes that do not decode. */
export function damageReason(corrupt: string): "corrupt" | "missing" {
  return corrupt.includes(MISSING_OBJECT) ? "missing" : "corrupt";
}

/** Thrown when a segment's bytes do not decode to the segment its index row describes. */
export class CorruptSegment extends Error {
  constructor(
    readonly key: string,
    why: string,
  ) {
    super(`archive segment ${key} is corrupt: ${why}`);
    this.name = "CorruptSegment";
  }
}

/**
 * Decodes a segment and checks it against its index row (seq range, count, order). A cheap
 * structural check rather than a full schema parse: the room wrote these bytes itself, so what
 * this guards against is damage, not a hostile client.
 */
export async function decodeSegment(
  key: string,
  body: ReadableStream | ArrayBuffer,
  expect: { firstSeq: number; lastSeq: number; count: number },
): Promise<Segment> {
  let segment: Segment;
  try {
    const stream = body instanceof ArrayBuffer ? new Blob([body]).stream() : body;
    const text = await new Response(stream.pipeThrough(new DecompressionStream("gzip"))).text();
    segment = JSON.parse(text) as Segment;
  } catch (error) {
    throw new CorruptSegment(key, `does not decode (${(error as Error).message})`);
  }
  const ms = segment?.messages;
  if (segment?.v !== 1 || !Array.isArray(ms) || ms.length !== expect.count) {
    throw new CorruptSegment(key, `expected ${expect.count} messages, found ${Array.isArray(ms) ? ms.length : "none"}`);
  }
  let previous = expect.firstSeq - 1;
  for (const m of ms) {
    if (typeof m?.seq !== "number" || m.seq <= previous || typeof m.id !== "string") {
      throw new CorruptSegment(key, `messages out of order near seq ${previous}`);
    }
    previous = m.seq;
  }
  if (ms[0]?.seq !== expect.firstSeq || previous !== expect.lastSeq) {
    throw new CorruptSegment(
      key,
      `seq range ${ms[0]?.seq}-${previous}, index says ${expect.firstSeq}-${expect.lastSeq}`,
    );
  }
  return segment;
}

/**
 * The one mapping from an archived message to what readers see: every archive read applies it.
 * A message an operator removed after it was archived reads as the same tombstone a hot removal
 * leaves, until the alarm writes that tombstone into the segment itself.
 */
export function fromSegment(message: Message, removed?: { reason: string; at: number }): Message {
  return removed ? tombstone(message, removed) : message;
}

/**
 * A 53-bit hash of a message id (two 32-bit FNV-1a style lanes), small enough to keep one per
 * archived message in SQLite. Collisions cost only an extra segment read: a hit is confirmed by
 * comparing the id stored in the segment.
 */
export function idHash(id: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ id.length;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a ^= a >>> 16;
  return (b >>> 0) * 0x200000 + ((a >>> 0) & 0x1fffff);
}
