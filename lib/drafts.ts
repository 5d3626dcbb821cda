import type { Draft, Message, ServerEvent } from "../types";

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
 * that reply arrives, so the row is replaced in one step instead of vanishing and reappearing.
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
      return with_(drafts, event.draft.messageId, { ...event.draft, finishing: false });
    }
    case "draft-gone": {
      const known = drafts.get(event.messageId);
      if (!known) return drafts;
      if (event.reason === "complete") return with_(drafts, event.messageId, { ...known, finishing: true });
      return without(drafts, [event.messageId]);
    }
    case "messages":
      return without(
        drafts,
        event.messages.flatMap((m) => (m.replyTo ? [m.replyTo] : [])),
      );
    case "queue":
      // Complete without a reply (the entity stayed silent), failed, or back to pending: no draft.
      return without(
        drafts,
        event.changes.filter((c) => c.status !== "processing").map((c) => c.id),
      );
    default:
      return drafts;
  }
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
