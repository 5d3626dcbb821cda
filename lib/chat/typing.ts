import type { ClientFrame, ServerEvent } from "../../types";
import { LIVE } from "../../types/constants";

type TypingFrame = Extract<ClientFrame, { type: "typing" }>;
type Activity = Extract<ServerEvent, { type: "activity" }>;

/**
 * When the composer tells the room its person is typing: one `typing: true` when they start,
 * then at most one every LIVE.typingRefreshMs while they keep typing (never one per key), and
 * `typing: false` once when the box is sent or cleared. Time is passed in; no timers.
 */
export class TypingSender {
  private lastSentAt: number | null = null;
  private shown = false;

  /** The box now holds `text`: the frame to send now, if any. */
  input(text: string, who: { username: string; color: string }, now: number): TypingFrame | null {
    if (text.trim() === "") return this.stop(who);
    if (this.shown && this.lastSentAt !== null && now - this.lastSentAt < LIVE.typingRefreshMs) return null;
    this.shown = true;
    this.lastSentAt = now;
    return { type: "typing", username: who.username, color: who.color, typing: true };
  }

  /** Sent or cleared: one stop frame if the room was told we are typing. */
  stop(who: { username: string; color: string }): TypingFrame | null {
    if (!this.shown) return null;
    this.shown = false;
    return { type: "typing", username: who.username, color: who.color, typing: false };
  }

  /** The socket reconnected: the room forgot us, so the next key announces us again. */
  reset(): void {
    this.shown = false;
    this.lastSentAt = null;
  }
}

export interface TypingLine {
  /** The names to show, each in its color (empty when the line is a count). */
  names: { username: string; color: string }[];
  /** Everyone typing but me. */
  count: number;
}

/** Who is typing as this page shows it: never its own user (same name and color). */
export function typingLine(
  activity: Pick<Activity, "typing" | "typingCount">,
  me?: { username: string; color: string },
): TypingLine {
  const isMe = (t: { username: string; color: string }) =>
    me !== undefined && t.username === me.username && t.color === me.color;
  const names = activity.typing.filter((t) => !isMe(t));
  const count = Math.max(names.length, activity.typingCount - (activity.typing.length - names.length));
  // Past the names the room sends, a count reads better than a partial list.
  return count > LIVE.typingNamesMax ? { names: [], count } : { names, count };
}
