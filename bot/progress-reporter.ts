import { ApiError } from "./api-client.ts";
import type { Logger } from "./log.ts";

export interface ProgressReporterOptions {
  /** Sends one draft text; rejects with ApiError on a refusal. */
  send(text: string): Promise<unknown>;
  /** Turns the raw text so far into what may be shown (post-processing); null: nothing yet. */
  shown(rawSoFar: string): string | null;
  /** The lease is gone (409/404): the job must stop, its text discarded. */
  onLost(reason: string): void;
  intervalMs: number;
  /**
   * Also wait this long after the previous call was answered: the room paces by arrival, and the
   * previous call arrived before its answer, so this gap holds there whatever the network did.
   */
  gapAfterAnswerMs?: number;
  log: Logger;
  now?: () => number;
  schedule?: (fn: () => void, ms: number) => () => void;
}

export interface ProgressReporter {
  /** The model produced more: remember the text so far; it is sent when pacing allows. */
  update(rawSoFar: string): void;
  /** No more sends (the job completes, fails or was lost). */
  stop(): void;
}

const realSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/**
 * Coalesces a stream of tokens into progress calls: at most one every `intervalMs`, never two in
 * flight, always the newest text. Drafts are best effort (the stored reply is what counts), so a
 * failed send is only logged, except a lost lease, which ends the job.
 */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? realSchedule;
  let latest: string | null = null;
  let lastSent: string | null = null;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let lastAnsweredAt = Number.NEGATIVE_INFINITY;
  const gapAfterAnswerMs = options.gapAfterAnswerMs ?? 0;
  let inFlight = false;
  let cancelTimer: (() => void) | null = null;
  let stopped = false;

  const pump = () => {
    if (stopped || inFlight || cancelTimer || latest === null || latest === lastSent) return;
    const wait = Math.max(lastSentAt + options.intervalMs, lastAnsweredAt + gapAfterAnswerMs) - now();
    if (wait > 0) {
      cancelTimer = schedule(() => {
        cancelTimer = null;
        pump();
      }, wait);
      return;
    }
    const text = latest;
    inFlight = true;
    lastSent = text;
    lastSentAt = now();
    options.send(text).then(
      () => {
        inFlight = false;
        lastAnsweredAt = now();
        pump();
      },
      (error: unknown) => {
        inFlight = false;
        lastAnsweredAt = now();
        if (stopped) return;
        if (error instanceof ApiError && error.leaseLost) {
          stopped = true;
          options.onLost(error.message);
          return;
        }
        options.log.warn("progress", `draft not shown: ${(error as Error).message}`);
        pump();
      },
    );
  };

  return {
    update(rawSoFar) {
      if (stopped) return;
      const shown = options.shown(rawSoFar);
      if (shown === null) return;
      latest = shown;
      pump();
    },
    stop() {
      stopped = true;
      cancelTimer?.();
      cancelTimer = null;
    },
  };
}
