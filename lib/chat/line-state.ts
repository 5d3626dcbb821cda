import type { Line, Message } from "../../types";

/** Where an addressed message stands, as every viewer sees it. */
export type LineState = { kind: "waiting"; ahead: number | null } | { kind: "thinking" } | { kind: "writing" } | null;

/** What the page knows of a draft answering a message. */
export interface DraftProgress {
  text: string;
  phase?: "thinking";
}

/**
 * Waiting: how many will be answered before it — those its entity is answering now, plus its
 * index in the entity's `next` (claim order) — or null when it is past the first LIVE.lineMax or
 * no lines frame came yet. Claimed: `thinking` until the entity writes text (no draft, an empty
 * one, or a draft in its thinking phase), then `writing`.
 */
export function lineState(
  message: Pick<Message, "id" | "botParams">,
  lines: ReadonlyMap<string, Line>,
  draft: DraftProgress | undefined,
): LineState {
  const bp = message.botParams;
  if (!bp) return null;
  if (bp.status === "pending") {
    const line = lines.get(bp.entity);
    const index = line ? line.next.indexOf(message.id) : -1;
    return { kind: "waiting", ahead: line && index >= 0 ? line.processing + index : null };
  }
  if (bp.status === "processing") {
    return draft && draft.phase !== "thinking" && draft.text.length > 0 ? { kind: "writing" } : { kind: "thinking" };
  }
  return null;
}
