import type { ApiClient } from "./api-client.ts";
import { leaseLost } from "./api-client.ts";
import type { Logger } from "./log.ts";

export interface LeaseKeeper {
  /** Aborts when the lease is gone: another worker holds or answered the message, so drop the work. */
  readonly lost: AbortSignal;
  stop(): void;
}

/**
 * Renews a job's lease every third of its length, so two renewals can fail before it lapses. A 409
 * means the lease already lapsed and someone else took over: the job is no longer ours.
 */
export function keepLeaseAlive(
  api: Pick<ApiClient, "heartbeat">,
  job: { messageId: string; leaseToken: string; leaseSeconds: number },
  log: Logger,
): LeaseKeeper {
  const lost = new AbortController();
  const intervalMs = (job.leaseSeconds * 1000) / 3;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (ms: number) => {
    if (!stopped) timer = setTimeout(beat, ms);
  };
  const beat = async () => {
    try {
      await api.heartbeat(
        { messageId: job.messageId, leaseToken: job.leaseToken, leaseSeconds: job.leaseSeconds },
        Math.max(2_000, intervalMs),
      );
      schedule(intervalMs);
    } catch (error) {
      if (stopped) return;
      if (leaseLost(error)) {
        lost.abort(new Error(error.message));
        return;
      }
      log.warn("lease", `heartbeat failed, retrying: ${(error as Error).message}`, { messageId: job.messageId });
      schedule(Math.min(intervalMs, 1_000));
    }
  };
  schedule(intervalMs);

  return {
    lost: lost.signal,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
