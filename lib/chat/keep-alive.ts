/**
 * When a live socket needs a ping, and when silence means it is dead.
 *
 * A socket that is receiving frames is provably alive, so it sends nothing: a busy room costs its
 * viewers no keep-alive traffic at all. Only after `idleMs` without any frame from the room does
 * it ping (shorter than the idle timeouts of common proxies); the room's auto-response answers
 * without waking the object. If nothing at all arrives within `answerWithinMs` of that ping, the
 * connection is half-open (a sleeping laptop, a dropped NAT entry) and the caller reconnects.
 */
export const KEEP_ALIVE = {
  idleMs: 25_000,
  answerWithinMs: 10_000,
} as const;

/** Starts a timer and returns its cancel function (injected so tests can turn the clock). */
export type Schedule = (run: () => void, ms: number) => () => void;

export const realSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export interface KeepAliveOptions {
  ping: () => void;
  dead: () => void;
  schedule?: Schedule;
  idleMs?: number;
  answerWithinMs?: number;
}

export class KeepAlive {
  private cancel: (() => void) | null = null;
  private readonly schedule: Schedule;
  private readonly idleMs: number;
  private readonly answerWithinMs: number;
  private readonly options: KeepAliveOptions;

  constructor(options: KeepAliveOptions) {
    this.options = options;
    this.schedule = options.schedule ?? realSchedule;
    this.idleMs = options.idleMs ?? KEEP_ALIVE.idleMs;
    this.answerWithinMs = options.answerWithinMs ?? KEEP_ALIVE.answerWithinMs;
  }

  /** A frame arrived (any frame, the pong included): the idle period starts again. */
  heard(): void {
    this.cancel?.();
    this.cancel = this.schedule(() => this.idle(), this.idleMs);
  }

  /** The socket closed or the page left: no more pings. */
  stop(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private idle(): void {
    this.options.ping();
    this.cancel = this.schedule(() => {
      this.cancel = null;
      this.options.dead();
    }, this.answerWithinMs);
  }
}
