import { type ApiClient, refusedToken } from "./api-client.ts";
import { backoffDelay, sleep } from "./backoff.ts";
import type { EntityStore } from "./config/entity-store.ts";
import type { BotConfig } from "./config/options.ts";
import { runJob } from "./job.ts";
import { createJobTally, type Logger } from "./log.ts";
import { createOutageGate } from "./outage.ts";
import type { Responder } from "./responder.ts";

export interface BotDeps {
  config: BotConfig;
  api: ApiClient;
  responder: Responder;
  entities: EntityStore;
  log: Logger;
}

export interface Bot {
  /** Claims and runs jobs until stopped; resolves with the process exit code once nothing is in flight. */
  run(): Promise<number>;
  /** Stop claiming; jobs in flight finish (or are released after the grace period). */
  stop(): void;
  /** Stop now: jobs in flight are released at once. */
  abort(): void;
}

/**
 * The claim loop: long-poll `claim-next` for the enabled entities while a slot is free and the LLM
 * server is usable, and run each claimed job alongside the others (at most `concurrency`).
 */
export function createBot(deps: BotDeps): Bot {
  const { config, api, responder, entities, log } = deps;
  const stopping = new AbortController();
  const abortAll = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const tally = createJobTally();
  const outage = createOutageGate({
    probe: (signal) => responder.available(signal),
    idle: () => inFlight.size === 0,
    backoff: config.backoff,
    log,
  });
  const stopped = new Promise<void>((resolve) => stopping.signal.addEventListener("abort", () => resolve()));

  const summarise = () => {
    const s = tally.take();
    log.info("summary", `${s.jobs} jobs in the last ${Math.round(s.periodMs / 1000)} s`, {
      ...s.byOutcome,
      inFlight: inFlight.size,
      avgLlmMs: s.avgLlmMs,
      completionTokens: s.completionTokens,
      llm: responder.label,
      state: stopping.signal.aborted ? "stopping" : outage.down ? "llm-unavailable" : "claiming",
    });
  };

  const ctx = {
    api,
    responder,
    outage,
    log,
    tally,
    leaseSeconds: config.leaseSeconds,
    outageReleaseMs: config.outageReleaseMs,
    backoff: config.backoff,
    stopping: stopping.signal,
    abortAll: abortAll.signal,
  };

  /** One pass of the loop: returns false when the bot cannot go on (a fatal API answer). */
  const claimOnce = async (apiFailures: { count: number }): Promise<boolean> => {
    if (inFlight.size >= config.concurrency) {
      await Promise.race([...inFlight, stopped]);
      return true;
    }
    if (outage.down) {
      await outage.waitUntilUp(stopping.signal);
      return true;
    }
    const serving = entities.all().filter((e) => e.enabled);
    const ids = serving.map((e) => e.id);
    if (ids.length === 0) {
      await sleep(1_000, stopping.signal);
      return true;
    }
    let claim: Awaited<ReturnType<ApiClient["claimNext"]>>;
    try {
      claim = await api.claimNext(
        {
          workerId: config.workerId,
          entities: ids,
          // Tells the room how these entities appear, so the app can list them by name and color (E5).
          profiles: serving.map(({ id, username, color }) => ({ id, username, color })),
          wait: config.pollWaitSeconds,
          leaseSeconds: config.leaseSeconds,
        },
        stopping.signal,
      );
      if (apiFailures.count > 0) log.info("api", "the API answers again");
      apiFailures.count = 0;
    } catch (error) {
      if (stopping.signal.aborted) return true;
      if (refusedToken(error)) {
        log.error("api", `${error.message}. Check --token / BOT_TOKEN.`);
        return false;
      }
      log.warn("api", `claiming failed: ${(error as Error).message}; retrying`);
      await sleep(backoffDelay(apiFailures.count++, config.backoff), stopping.signal);
      return true;
    }
    if (!claim) return true;

    const entity = entities.enabled(claim.message.botParams?.entity ?? "");
    // The long-poll may return after things changed: the LLM server went away, or the entities file
    // dropped this entity. Give the message straight back (no attempt counted) for a bot that can answer.
    const giveBack = outage.down
      ? "the LLM server became unavailable while claiming"
      : !entity
        ? `entity "${claim.message.botParams?.entity}" is no longer enabled here`
        : null;
    if (giveBack || !entity) {
      log.warn("job", `${giveBack}; releasing`, { messageId: claim.message.id });
      await api.release({ messageId: claim.message.id, leaseToken: claim.lease.token }).catch(() => {});
      return true;
    }
    const job = runJob({ message: claim.message, lease: claim.lease, entity, claimedAt: Date.now() }, ctx);
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    return true;
  };

  return {
    async run() {
      log.info(
        "start",
        `worker ${config.workerId} serving room "${config.room}" of ${config.apiUrl} with ${responder.label}`,
        { concurrency: config.concurrency, leaseSeconds: config.leaseSeconds },
      );
      const summaryTimer = setInterval(summarise, config.summaryMs);
      const apiFailures = { count: 0 };
      let exitCode = 0;
      while (!stopping.signal.aborted) {
        if (!(await claimOnce(apiFailures))) {
          exitCode = 1;
          stopping.abort();
        }
      }
      if (inFlight.size > 0) {
        log.info("stop", `finishing ${inFlight.size} job(s) in flight (up to ${config.shutdownGraceMs / 1000} s)`);
      }
      const grace = setTimeout(() => abortAll.abort(), config.shutdownGraceMs);
      await Promise.allSettled([...inFlight]);
      clearTimeout(grace);
      clearInterval(summaryTimer);
      outage.close();
      summarise();
      log.info("stop", "stopped");
      return exitCode;
    },
    stop() {
      stopping.abort();
    },
    abort() {
      stopping.abort();
      abortAll.abort();
    },
  };
}
