import type { CommentsPage, Message, QueueChange } from "../../types";
import { applyChange, awaitsAnyJob, completedByReply, jobsRank } from "./jobs";

/**
 * The messages a page holds for one conversation: ascending by `seq`, each `id` once, plus the
 * cursor to poll from. Every change goes through these functions, so order and uniqueness hold
 * whatever order pages, replays and status updates arrive in.
 */
export interface MessageWindow {
  messages: Message[];
  /** Poll `?cursor=` from here: the highest seq the server has told us about. */
  cursor: number;
  /** Older history exists before `messages[0]` (C3). */
  hasOlder: boolean;
  /** Whether the first page has arrived. */
  loaded: boolean;
  /**
   * The server's change revision the held messages reflect (moderation): poll with it to learn
   * of rows changed in place. Absent when the server does not report one.
   */
  rev?: number;
}

export const EMPTY_WINDOW: MessageWindow = { messages: [], cursor: 0, hasOlder: false, loaded: false };

export function fromFirstPage(page: CommentsPage): MessageWindow {
  const window = { messages: mergeById([], page.comments), cursor: page.cursor, hasOlder: page.hasMore, loaded: true };
  return page.rev === undefined ? window : { ...window, rev: page.rev };
}

/** A `?cursor=` page: newer messages, and the held ones the server changed in place since our rev. */
export function appendNewer(window: MessageWindow, page: CommentsPage): MessageWindow {
  const changed = replaceChanged(window.messages, page.updated ?? []);
  const next: MessageWindow = {
    ...window,
    messages: mergeById(changed, page.comments),
    cursor: Math.max(window.cursor, page.cursor),
  };
  if (page.rev !== undefined) next.rev = Math.max(window.rev ?? 0, page.rev);
  return next;
}

/**
 * A removal or a restore is not a step along the queue life, so the server's copy replaces the
 * held one whatever its queue state. Messages this window never held stay out (they belong to
 * history it has not loaded, or to another filter).
 */
export function replaceChanged(held: readonly Message[], updated: readonly Message[]): Message[] {
  if (updated.length === 0) return [...held];
  const byId = new Map(updated.map((m) => [m.id, m]));
  return held.map((m) => byId.get(m.id) ?? m);
}

/** What a page shows: a tombstone (a removed message) keeps its place in the window but is never drawn or exported. */
export function withoutTombstones<T extends Message>(messages: readonly T[]): T[] {
  return messages.some((m) => m.removed) ? messages.filter((m) => !m.removed) : (messages as T[]);
}

/** A `?before=` page: older history. */
export function prependOlder(window: MessageWindow, page: CommentsPage): MessageWindow {
  return { ...window, messages: mergeById(window.messages, page.comments), hasOlder: page.hasMore };
}

/** Fresher copies of messages (a POST answer, a status refresh) replace the ones held. */
export function upsert(window: MessageWindow, messages: readonly Message[]): MessageWindow {
  if (messages.length === 0) return window;
  return { ...window, messages: mergeById(window.messages, messages) };
}

/**
 * Queue transitions pushed by the room, in commit order: applied as they come, even a step back
 * (a lease that expired returns a message to pending), which copies from polling may not do.
 */
export function applyQueueChanges(window: MessageWindow, changes: readonly QueueChange[]): MessageWindow {
  // A message with several jobs may move more than one of them in one frame: keep every change, in order.
  const byId = new Map<string, QueueChange[]>();
  for (const c of changes) byId.set(c.id, [...(byId.get(c.id) ?? []), c]);
  let touched = false;
  const messages = window.messages.map((m) => {
    const moved = byId.get(m.id);
    if (!moved || !m.botParams) return m;
    touched = true;
    return moved.reduce(applyChange, m);
  });
  return touched ? { ...window, messages } : window;
}

/** Messages changed in place by the room (a moderation tombstone, a restore): the room's copy wins. */
export function replaceById(window: MessageWindow, updated: readonly Message[]): MessageWindow {
  const byId = new Map(updated.map((m) => [m.id, m]));
  if (!window.messages.some((m) => byId.has(m.id))) return window;
  return { ...window, messages: window.messages.map((m) => byId.get(m.id) ?? m) };
}

/** An entity still owes it an answer (with several jobs, any of them). */
export function isAwaitingReply(m: Message): boolean {
  return awaitsAnyJob(m);
}

/**
 * Merges by id, the copy furthest along its queue life wins, sorted by seq. An AI reply naming `replyTo` also proves that
 * message complete, so its marker can stop waiting before the next status refresh.
 */
export function mergeById(held: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(held.map((m) => [m.id, m]));
  for (const m of incoming) {
    const heldCopy = byId.get(m.id);
    if (!heldCopy || queueRank(m) >= queueRank(heldCopy)) byId.set(m.id, m);
  }
  for (const m of incoming) {
    if (m["message-type"] !== "AI" || !m.replyTo) continue;
    const parent = byId.get(m.replyTo);
    if (parent?.botParams && isAwaitingReply(parent)) byId.set(parent.id, completedByReply(parent, m));
  }
  const merged = [...byId.values()];
  if (!isSortedBySeq(merged)) merged.sort((a, b) => a.seq - b.seq);
  return merged;
}

/**
 * Where a message is in its queue life. Copies arrive out of order (a slow POST answer after a
 * poll already saw the reply); a copy from earlier in that life never replaces a later one.
 */
function queueRank(m: Message): number {
  return jobsRank(m);
}

function isSortedBySeq(messages: readonly Message[]): boolean {
  for (let i = 1; i < messages.length; i++) {
    const prev = messages[i - 1];
    const cur = messages[i];
    if (prev && cur && prev.seq > cur.seq) return false;
  }
  return true;
}
