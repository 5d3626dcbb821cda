import type { CommentsPage, Message, QueueChange } from "../types";

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
}

export const EMPTY_WINDOW: MessageWindow = { messages: [], cursor: 0, hasOlder: false, loaded: false };

export function fromFirstPage(page: CommentsPage): MessageWindow {
  return { messages: mergeById([], page.comments), cursor: page.cursor, hasOlder: page.hasMore, loaded: true };
}

/** A `?cursor=` page: newer messages. */
export function appendNewer(window: MessageWindow, page: CommentsPage): MessageWindow {
  return {
    ...window,
    messages: mergeById(window.messages, page.comments),
    cursor: Math.max(window.cursor, page.cursor),
  };
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
  const byId = new Map(changes.map((c) => [c.id, c]));
  let touched = false;
  const messages = window.messages.map((m) => {
    const change = byId.get(m.id);
    if (!change || !m.botParams) return m;
    touched = true;
    const { status, attempts, error, leaseExpiresAt } = change;
    return { ...m, botParams: { ...m.botParams, status, attempts, error, leaseExpiresAt } };
  });
  return touched ? { ...window, messages } : window;
}

/** Messages changed in place by the room (a moderation tombstone, a restore): the room's copy wins. */
export function replaceById(window: MessageWindow, updated: readonly Message[]): MessageWindow {
  const byId = new Map(updated.map((m) => [m.id, m]));
  if (!window.messages.some((m) => byId.has(m.id))) return window;
  return { ...window, messages: window.messages.map((m) => byId.get(m.id) ?? m) };
}

const TERMINAL = new Set(["complete", "failed"]);

export function isAwaitingReply(m: Message): boolean {
  return m.botParams !== undefined && !TERMINAL.has(m.botParams.status);
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
    if (parent?.botParams && isAwaitingReply(parent)) {
      byId.set(parent.id, { ...parent, botParams: { ...parent.botParams, status: "complete", error: null } });
    }
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
  switch (m.botParams?.status) {
    case "processing":
      return 1;
    case "complete":
    case "failed":
      return 2;
    default:
      return 0;
  }
}

function isSortedBySeq(messages: readonly Message[]): boolean {
  for (let i = 1; i < messages.length; i++) {
    const prev = messages[i - 1];
    const cur = messages[i];
    if (prev && cur && prev.seq > cur.seq) return false;
  }
  return true;
}
