/** A timer the room sets while awake (injected, so tests drive time by hand). */
export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/**
 * At most one flush per `intervalMs`, leading edge: the first change after a quiet spell flushes
 * at once (on the next turn, so the changes of one unit of work fold together); later ones wait
 * for the interval to pass and go out together. `later(at)` asks for a flush at a given time
 * (a typist's expiry) even if nothing else changes.
 *
 * Why a timer and not the alarm: presence lives in memory only, and whatever changes it (a frame,
 * an accept, a close, a queue change) wakes the object anyway; a timer costs no storage write,
 * while the alarm is a stored, billed write shared with lease expiry and the snapshot. A pending
 * timer is at most a few seconds away. If the object were evicted meanwhile its memory (typists)
 * would go with it, and nothing would be left to flush.
 */
export class Coalescer {
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private handle: unknown = null;
  private dueAt: number | null = null;

  constructor(
    private readonly timers: Timers,
    private readonly intervalMs: number,
    private readonly flush: () => void,
  ) {}

  /** Something changed: flush as soon as the interval allows. */
  changed(): void {
    this.later(this.lastFlushAt + this.intervalMs);
  }

  /** Flush no later than `at` (and not before the interval allows). */
  later(at: number): void {
    const when = Math.max(at, this.lastFlushAt + this.intervalMs, this.timers.now());
    if (this.dueAt !== null && this.dueAt <= when) return;
    if (this.handle !== null) this.timers.clear(this.handle);
    this.dueAt = when;
    this.handle = this.timers.set(() => this.fire(), when - this.timers.now());
  }

  get pending(): boolean {
    return this.handle !== null;
  }

  private fire(): void {
    this.handle = null;
    this.dueAt = null;
    this.lastFlushAt = this.timers.now();
    this.flush();
  }
}
