import type { RoundSample } from "./stats.ts";

export interface LoadPlan {
  /** Operations in flight at once (each worker loop runs one at a time). */
  concurrency: number;
  /** Operations in total: a bounded loop, so every round does the same amount of work. */
  operations: number;
}

export interface LoadOutcome<T> extends RoundSample {
  /** What each operation returned, in completion order (e.g. parsed Server-Timing). */
  results: T[];
}

/**
 * Runs `operations` calls of `op` with `concurrency` loops pulling the next index, and times
 * each call and the whole batch. An operation may be several requests (claim then complete):
 * its latency is the whole sequence.
 */
export async function runLoad<T>(plan: LoadPlan, op: (index: number) => Promise<T>): Promise<LoadOutcome<T>> {
  let next = 0;
  const latenciesMs: number[] = [];
  const results: T[] = [];
  const loop = async () => {
    for (let index = next++; index < plan.operations; index = next++) {
      const started = performance.now();
      const result = await op(index);
      latenciesMs.push(performance.now() - started);
      results.push(result);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.operations) }, loop));
  return { operations: plan.operations, elapsedMs: performance.now() - started, latenciesMs, results };
}
