import type { Draft } from "../../types";

/**
 * The drafts of replies being generated right now, one per addressed message, kept in memory only:
 * a draft is never stored, so streaming costs no SQLite writes, and after an eviction the bot's
 * next progress call simply recreates it. Also paces progress per message: a call closer than
 * `minIntervalMs` to the last accepted one is refused, so one bot cannot flood every subscriber.
 */
export class Drafts {
  private readonly current = new Map<string, Draft>();

  constructor(
    private readonly now: () => number,
    private readonly minIntervalMs: number,
  ) {}

  /** How long (ms) before a progress for `messageId` is accepted again; 0 when it may go now. */
  waitMs(messageId: string): number {
    const last = this.current.get(messageId)?.updatedAt;
    if (last === undefined) return 0;
    return Math.max(0, last + this.minIntervalMs - this.now());
  }

  /**
   * Replaces the message's draft with the text so far, stamped with the time. A thinking draft
   * (no text) never replaces answer text already shown: that draft stays, only re-stamped for
   * pacing, and `changed` is false (subscribers have nothing new to see).
   */
  put(draft: Omit<Draft, "updatedAt">): { draft: Draft; changed: boolean } {
    const known = this.current.get(draft.messageId);
    if (draft.phase === "thinking" && known && known.phase !== "thinking" && known.text.length > 0) {
      const kept: Draft = { ...known, updatedAt: this.now() };
      this.current.set(draft.messageId, kept);
      return { draft: kept, changed: false };
    }
    // Thinking is a state: whatever text came with it is never shown.
    const stamped: Draft =
      draft.phase === "thinking" ? { ...draft, text: "", updatedAt: this.now() } : { ...draft, updatedAt: this.now() };
    this.current.set(draft.messageId, stamped);
    return { draft: stamped, changed: true };
  }

  /** Forgets the message's draft; true when there was one (so subscribers need telling). */
  remove(messageId: string): boolean {
    return this.current.delete(messageId);
  }

  /** Every current draft, oldest update first (a subscriber's `hello`). */
  all(): Draft[] {
    return [...this.current.values()].sort((a, b) => a.updatedAt - b.updatedAt);
  }
}
