/**
 * How long to wait before the next poll. Fast while the person is active (a reply should show
 * within about a second), slower the longer they are idle, and slowest while the tab is hidden.
 */
export const POLL = {
  activeMs: 1_000,
  /** Still "active" this long after the last key, pointer, scroll or focus. */
  activeWindowMs: 30_000,
  maxMs: 30_000,
  /** While hidden the page only needs enough to keep the tab title's unread count (N2) honest. */
  hiddenMs: 30_000,
} as const;

export type PollMode = "active" | "idle" | "hidden";

export function pollMode(idleMs: number, hidden: boolean): PollMode {
  if (hidden) return "hidden";
  return idleMs < POLL.activeWindowMs ? "active" : "idle";
}

export function pollInterval(idleMs: number, hidden: boolean): number {
  const mode = pollMode(idleMs, hidden);
  if (mode === "hidden") return POLL.hiddenMs;
  if (mode === "active") return POLL.activeMs;
  // Idle: back off in proportion to how long it has been quiet (2 s at 30 s idle, 30 s from 7.5 min).
  const backoff = Math.round((idleMs / POLL.activeWindowMs) * 2 * POLL.activeMs);
  return Math.min(POLL.maxMs, Math.max(2 * POLL.activeMs, backoff));
}
