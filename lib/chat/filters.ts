import type { Message, UserFilter } from "../../types";
import type { Channel, HashState, Identity } from "./hash-state";
import { inRanges } from "./seq-filter";

/**
 * Which messages the page shows (F1-F6, F8). Pure: the same messages and state always give the
 * same view, so exports (X2) can export exactly what is displayed.
 */

export interface ViewOptions {
  /** My identity: in a user-filtered conversation my own messages always belong to it. */
  me?: Identity;
  /** F6: case-insensitive substring of text or username; applies with or without filters. */
  search: string;
  /** F8: show only messages posted from this host; null shows every domain. */
  domain: string | null;
}

type FilterState = Pick<HashState, "users" | "words" | "negativeWords" | "filterActive" | "channel" | "seqs">;

export function visibleMessages<M extends Message>(
  messages: readonly M[],
  filters: FilterState,
  view: ViewOptions,
): M[] {
  const search = view.search.trim().toLowerCase();
  const applyChips = filters.filterActive;
  const byId = applyChips && filters.users.length ? new Map(messages.map((m) => [m.id, m])) : null;

  return messages.filter((m) => {
    if (!inChannel(m, filters.channel)) return false;
    if (view.domain !== null && m.domain !== view.domain) return false;
    if (search && !m.text.toLowerCase().includes(search) && !m.username.toLowerCase().includes(search)) return false;
    if (!applyChips) return true;
    if (filters.seqs?.length && !inRanges(m.seq, filters.seqs)) return false;
    if (filters.negativeWords.some((w) => containsWord(m.text, w) || sameName(m.username, w))) return false;
    if (!filters.words.every((w) => containsWord(m.text, w))) return false;
    if (filters.users.length && byId && !inConversation(m, filters.users, view.me, byId)) return false;
    return true;
  });
}

export function inChannel(m: Message, channel: Channel): boolean {
  return channel === "ALL" || m["message-type"] === channel;
}

/** A filtered conversation: the chosen users, me, and the AI replies to any of us. */
function inConversation(
  m: Message,
  users: UserFilter[],
  me: Identity | undefined,
  byId: Map<string, Message>,
): boolean {
  if (isAuthor(m, users, me)) return true;
  if (!m.replyTo) return false;
  const parent = byId.get(m.replyTo);
  return parent !== undefined && isAuthor(parent, users, me);
}

function isAuthor(m: Message, users: UserFilter[], me: Identity | undefined): boolean {
  if (me && m.username === me.username && m.color === me.color) return true;
  return users.some((u) => u.username === m.username && u.color === m.color);
}

/** Whole-word, case-insensitive; a word with symbols ("c++") still matches itself. */
export function containsWord(text: string, word: string): boolean {
  if (!word) return false;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, "iu").test(text);
}

function sameName(username: string, word: string): boolean {
  return username.toLowerCase() === word.toLowerCase();
}

/** What the server can filter for us when loading history (C2): users plus me, and the channel. */
export interface ServerQuery {
  users: UserFilter[];
  channel: Channel;
}

export function serverQuery(filters: FilterState, me: Identity | undefined): ServerQuery {
  if (!filters.filterActive || filters.users.length === 0) return { users: [], channel: filters.channel };
  const users = [...filters.users];
  if (me && !users.some((u) => u.username === me.username && u.color === me.color)) users.push(me);
  return { users, channel: filters.channel };
}

export function serverQueryKey(q: ServerQuery): string {
  return `${q.channel}|${q.users.map((u) => `${u.username}:${u.color}`).join("+")}`;
}
