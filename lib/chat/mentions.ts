import type { Mention, Message } from "../../types";
import { LIMITS, SCENES } from "../../types/constants";
import type { EntityPresence } from "../shared/presence";

/**
 * E7: mentions in the composer and in sent messages. Pure: the composer's autocomplete (find the
 * `@token` at the caret, order the room's entities for it, insert the chosen one) and the words a
 * message's resolved mentions explain.
 */

/** Characters a mention may contain after `@`: an entity id (`A-Za-z0-9_.:-`) or a username's letters. */
const NAME_CHAR = /[\p{L}\p{N}_.:-]/u;
/** What may not stand right before `@` for it to start a mention ("mail@host" is no mention). */
const WORD_CHAR = /[\p{L}\p{N}_@]/u;

export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** End of the name being typed (the caret, or further when the caret is inside the name). */
  end: number;
  /** What follows `@` up to the caret: what the list is filtered by. */
  query: string;
}

/**
 * The `@name` being typed at `caret`, or null when the caret is not in one. The `@` must start a
 * word, and the caret must be after it with only name characters between.
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  if (caret < 1 || caret > text.length) return null;
  let at = caret - 1;
  while (at >= 0 && text[at] !== "@") {
    if (!NAME_CHAR.test(text[at] ?? "")) return null;
    at--;
  }
  if (at < 0) return null;
  const before = at > 0 ? (text[at - 1] ?? "") : "";
  if (before && WORD_CHAR.test(before)) return null;
  let end = caret;
  while (end < text.length && NAME_CHAR.test(text[end] ?? "")) end++;
  return { start: at, end, query: text.slice(at + 1, caret) };
}

export interface MentionOption {
  id: string;
  /** How the entity signs its replies, when its bot told the room. */
  username?: string;
  color?: string;
  served: boolean;
  /** What `@` inserts: the username when the room can match it, else the id. */
  insert: string;
}

/** A name the room can match at a word boundary: starts and ends with a letter, digit or `_`. */
const MATCHABLE = /^[\p{L}\p{N}_](?:[\p{L}\p{N}_.:-]*[\p{L}\p{N}_])?$/u;

export function mentionLabel(entity: Pick<EntityPresence, "id" | "username">): string {
  return entity.username && MATCHABLE.test(entity.username) ? entity.username : entity.id;
}

/** At most this many options: the list must fit above the composer on a phone. */
export const MAX_MENTION_OPTIONS = 8;

/**
 * The entities to offer for `query`: those whose username or id starts with it first, then those
 * that contain it; within each, served (online) ones first, then by name. Case-insensitive.
 */
export function mentionOptions(
  entities: readonly EntityPresence[],
  query: string,
  limit = MAX_MENTION_OPTIONS,
): MentionOption[] {
  const q = query.toLowerCase();
  const ranked: Array<{ option: MentionOption; rank: number }> = [];
  for (const e of entities) {
    const names = [e.username?.toLowerCase(), e.id.toLowerCase()].filter((n): n is string => n !== undefined);
    const rank = names.some((n) => n.startsWith(q)) ? 0 : names.some((n) => n.includes(q)) ? 1 : -1;
    if (rank < 0) continue;
    const option: MentionOption = { id: e.id, served: e.served, insert: mentionLabel(e) };
    if (e.username) option.username = e.username;
    if (e.color) option.color = e.color;
    ranked.push({ option, rank });
  }
  ranked.sort(
    (a, b) =>
      a.rank - b.rank ||
      Number(b.option.served) - Number(a.option.served) ||
      a.option.insert.localeCompare(b.option.insert, undefined, { sensitivity: "base" }),
  );
  return ranked.slice(0, limit).map((r) => r.option);
}

/**
 * Replaces the `@name` being typed with `@insert ` and puts the caret after the space. Null when
 * the result would not fit the composer (the text stays as it was).
 */
export function insertMention(
  text: string,
  at: MentionQuery,
  insert: string,
  maxLength: number = LIMITS.composerMax,
): { text: string; caret: number } | null {
  const after = text.slice(at.end);
  const mention = `@${insert}${after.startsWith(" ") ? "" : " "}`;
  const next = `${text.slice(0, at.start)}${mention}${after}`;
  if (next.length > maxLength) return null;
  const caret = at.start + mention.length + (after.startsWith(" ") ? 1 : 0);
  return { text: next, caret };
}

/**
 * Why a mention did not ask its entity to answer, for its title; null when it did. The room says
 * only that it was not addressed, so the reason is read from the message as the room decides it.
 */
export function unaddressedReason(message: Pick<Message, "mentions" | "scene" | "username">, mention: Mention) {
  if (mention.addressed) return null;
  if (message.scene?.paused) return `${mention.username} was not asked to answer: ${pausedText(message.scene.paused)}`;
  if (mention.username.toLowerCase() === message.username.toLowerCase())
    return `${mention.username} mentioned itself, which asks nobody`;
  const index = message.mentions?.indexOf(mention) ?? -1;
  if (index >= SCENES.maxAddressed)
    return `Only the first ${SCENES.maxAddressed} mentions ask their entities to answer`;
  return `${mention.username} was not asked to answer`;
}

/** E8: the note under an AI reply after which the scene paused. */
export function pausedText(reason: NonNullable<NonNullable<Message["scene"]>["paused"]>): string {
  switch (reason) {
    case "turn_budget":
      return "scene paused: turn budget reached, say something to continue";
    case "hourly_cap":
      return "scene paused: this room's hourly AI turns are used up";
    case "scenes_off":
      return "scenes are off in this room";
  }
}
