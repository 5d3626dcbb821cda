import { leaseLost } from "./api-client.ts";
import type { Logger } from "./log.ts";

/**
 * `View` is what one progress call shows: the answer so far (a string), or a state such as "the
 * model is thinking". Views are compared with `===`: a state is one shared object.
 */
export interface ProgressReporterOptions<View = string> {
  /** Sends one draft; rejects with ApiError on a refusal. */
  send(view: View): Promise<unknown>;
  /**
   * Turns the raw text so far (and whether the model has reasoned) into what may be shown
   * (post-processing, no thinking); null: nothing (new) to show.
   */
  shown(rawSoFar: string, reasoned: boolean): View | null;
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
  /** The model produced more (or reasoned): remember the text so far; it is sent when pacing allows. */
  update(rawSoFar: string, reasoned?: boolean): void;
  /** No more sends (the job completes, fails or was lost). */
  stop(): void;
}

const realSchedule = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/**
 * Coalesces a stream of tokens into progress calls: at most one every `intervalMs`, never two in
 * flight, always the newest view, never the same view twice in a row (so "thinking" goes once). Drafts are best effort (the stored reply is what counts), so a
 * failed send is only logged, except a lost lease, which ends the job.
 */
export function createProgressReporter<View = string>(options: ProgressReporterOptions<View>): ProgressReporter {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? realSchedule;
  let latest: View | null = null;
  let lastSent: View | null = null;
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
    const view = latest;
    inFlight = true;
    lastSent = view;
    lastSentAt = now();
    options.send(view).then(
      () => {
        inFlight = false;
        lastAnsweredAt = now();
        pump();
      },
      (error: unknown) => {
        inFlight = false;
        lastAnsweredAt = now();
        if (stopped) return;
        if (leaseLost(error)) {
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
    update(rawSoFar, reasoned = false) {
      if (stopped) return;
      const shown = options.shown(rawSoFar, reasoned);
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
