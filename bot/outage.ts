import { type BackoffPolicy, backoffDelay, sleep } from "./backoff.ts";
import type { Logger } from "./log.ts";

/**
 * Whether the LLM server is usable, shared by every job of one bot. While it is down the bot claims
 * nothing new (jobs in flight keep retrying on their own). When no job is left to notice the server
 * coming back, the gate asks the server itself, backing off between tries.
 */
export interface OutageGate {
  readonly down: boolean;
  reportOutage(reason: string): void;
  reportHealthy(): void;
  /** Resolves when the server is usable (at once if it is) or when `signal` aborts. */
  waitUntilUp(signal: AbortSignal): Promise<void>;
  close(): void;
}

export interface OutageGateOptions {
  /** Whether the server answers now. */
  probe: (signal: AbortSignal) => Promise<boolean>;
  /** True when no job is in flight (then nothing else is retrying the server). */
  idle: () => boolean;
  backoff: BackoffPolicy;
  log: Logger;
  now?: () => number;
}

export function createOutageGate(options: OutageGateOptions): OutageGate {
  const now = options.now ?? Date.now;
  const closed = new AbortController();
  let downSince: number | null = null;
  let waiters: (() => void)[] = [];

  const wakeWaiters = () => {
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
  };

  const probeUntilUp = async () => {
    for (let attempt = 0; downSince !== null && !closed.signal.aborted; attempt++) {
      await sleep(backoffDelay(attempt, options.backoff), closed.signal);
      if (downSince === null || closed.signal.aborted || !options.idle()) continue;
      const probeTimeout = AbortSignal.timeout(Math.max(2_000, options.backoff.maxMs));
      if (await options.probe(AbortSignal.any([closed.signal, probeTimeout])).catch(() => false)) gate.reportHealthy();
    }
  };

  const gate: OutageGate = {
    get down() {
      return downSince !== null;
    },
    reportOutage(reason) {
      if (downSince !== null) return;
      downSince = now();
      options.log.warn("llm", `LLM server unavailable (${reason}); not claiming new jobs until it answers again`, {
        reason,
      });
      void probeUntilUp();
    },
    reportHealthy() {
      if (downSince === null) return;
      const outageMs = now() - downSince;
      downSince = null;
      options.log.info("llm", `LLM server answers again after ${(outageMs / 1000).toFixed(1)} s; claiming resumes`, {
        outageMs,
      });
      wakeWaiters();
    },
    waitUntilUp(signal) {
      if (downSince === null || signal.aborted) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        waiters.push(done);
        signal.addEventListener("abort", done, { once: true });
      });
    },
    close() {
      closed.abort();
      wakeWaiters();
    },
  };
  return gate;
}
