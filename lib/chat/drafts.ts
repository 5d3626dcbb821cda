import type { Draft, Message, ServerEvent } from "../../types";

/** A draft on screen; `finishing` once the room said the reply is stored but it has not arrived yet. */
export interface ShownDraft extends Draft {
  finishing: boolean;
}

/** The drafts of replies being generated, by the id of the message they answer. */
export type Drafts = ReadonlyMap<string, ShownDraft>;

export const NO_DRAFTS: Drafts = new Map();

/**
 * Applies one live event to the drafts. Returns the same map when nothing changed, so a React
 * state holding it does not re-render. A draft whose reply was stored stays (as `finishing`) until
 * that reply is among the rendered messages ({@link visibleDrafts} hides it from then on and
 * {@link pruneAnswered} drops it), so the row is replaced in one render instead of vanishing first:
 * the messages list may reach the screen a moment after this event does.
 */
export function applyDraftEvent(drafts: Drafts, event: ServerEvent): Drafts {
  switch (event.type) {
    case "hello":
      if (drafts.size === 0 && event.drafts.length === 0) return drafts;
      return new Map(event.drafts.map((d) => [d.messageId, { ...d, finishing: false }]));
    case "draft": {
      const known = drafts.get(event.draft.messageId);
      // Frames of one draft can only go forward in time; an older one is a stale leftover.
      if (known && (known.finishing || known.updatedAt > event.draft.updatedAt)) return drafts;
      // "Thinking" never takes away answer text already on screen.
      if (known && event.draft.phase === "thinking" && isWriting(known)) return drafts;
      return with_(drafts, event.draft.messageId, { ...event.draft, finishing: false });
    }
    case "draft-gone": {
      const known = drafts.get(event.messageId);
      if (!known) return drafts;
      if (event.reason === "complete") return with_(drafts, event.messageId, { ...known, finishing: true });
      return without(drafts, [event.messageId]);
    }
    case "messages":
      return finishing(
        drafts,
        event.messages.flatMap((m) => (m.replyTo ? [m.replyTo] : [])),
      );
    case "queue": {
      // Failed or back to pending (a lost lease, also after the room forgot its drafts): gone now.
      const ended = without(
        drafts,
        event.changes.filter((c) => c.status === "pending" || c.status === "failed").map((c) => c.id),
      );
      return finishing(
        ended,
        event.changes.filter((c) => c.status === "complete").map((c) => c.id),
      );
    }
    default:
      return drafts;
  }
}

/** The entity is reasoning and has no answer text yet: show that it thinks (there is nothing else to show). */
export function isThinking(draft: Draft): boolean {
  return draft.phase === "thinking";
}

function isWriting(draft: Draft): boolean {
  return !isThinking(draft) && draft.text.length > 0;
}

/**
 * The drafts to render below the messages, oldest first. A draft whose stored reply is already in
 * `messages` is never shown, so a reply never appears twice, whatever order the updates land in.
 */
export function visibleDrafts(drafts: Drafts, messages: readonly Message[]): ShownDraft[] {
  if (drafts.size === 0) return [];
  const answered = new Set(messages.flatMap((m) => (m.replyTo && drafts.has(m.replyTo) ? [m.replyTo] : [])));
  return [...drafts.values()].filter((d) => !answered.has(d.messageId)).sort((a, b) => a.updatedAt - b.updatedAt);
}

/** Drops the drafts whose stored reply is in `messages` (after that reply has rendered). */
export function pruneAnswered(drafts: Drafts, messages: readonly Message[]): Drafts {
  if (drafts.size === 0) return drafts;
  return without(
    drafts,
    messages.flatMap((m) => (m.replyTo && drafts.has(m.replyTo) ? [m.replyTo] : [])),
  );
}

function finishing(drafts: Drafts, ids: string[]): Drafts {
  const open = ids.filter((id) => drafts.get(id)?.finishing === false);
  if (open.length === 0) return drafts;
  const next = new Map(drafts);
  for (const id of open) next.set(id, { ...drafts.get(id)!, finishing: true });
  return next;
}

function with_(drafts: Drafts, id: string, draft: ShownDraft): Drafts {
  const next = new Map(drafts);
  next.set(id, draft);
  return next;
}

function without(drafts: Drafts, ids: string[]): Drafts {
  const present = ids.filter((id) => drafts.has(id));
  if (present.length === 0) return drafts;
  const next = new Map(drafts);
  for (const id of present) next.delete(id);
  return next;
}
