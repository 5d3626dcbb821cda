import { type CpuReading, cpuMsBetween } from "./process-cpu.ts";
import type { RoundSample } from "./stats.ts";

/**
 * The benchmarks' measuring procedure: in one round every member does the same number of
 * operations, in alternating bursts (A B C A B C …), so a baseline and the paths compared to it
 * see the same moments of a noisy machine instead of one getting a quiet second and the other a
 * busy one. Who goes first rotates with the round, so an advantage of going first cancels out.
 */

/** Runs `count` operations, the first numbered `offset`; what each returned is kept. */
export type Burst<T> = (count: number, offset: number) => Promise<{ latenciesMs: number[]; results: T[] }>;

/** A CPU clock read before and after every burst (null when it cannot be read here). */
export type CpuMeter = () => CpuReading | null;

export interface MemberRound<T> {
  /** Operations, wall time summed over the member's bursts, latencies, and `cpuMs[0]` as serverCpuMs. */
  sample: RoundSample;
  /** CPU ms of each meter over the member's bursts, in the order of `meters`; undefined where unreadable. */
  cpuMs: (number | undefined)[];
  results: T[];
}

/** `items` rotated left by `round`: the order of a round. */
function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** One round of `bursts`; the answer is aligned with `bursts` (not with the round's order). */
export async function interleavedRound<T>(
  bursts: readonly Burst<T>[],
  plan: { operations: number; slice: number; round: number; meters: readonly CpuMeter[] },
): Promise<MemberRound<T>[]> {
  const out: MemberRound<T>[] = bursts.map(() => ({
    sample: { operations: 0, elapsedMs: 0, latenciesMs: [] },
    cpuMs: plan.meters.map(() => 0),
    results: [],
  }));
  const order = rotated(
    bursts.map((_, i) => i),
    plan.round,
  );
  for (let done = 0; done < plan.operations; done += plan.slice) {
    const count = Math.min(plan.slice, plan.operations - done);
    for (const i of order) {
      const acc = out[i]!;
      const before = plan.meters.map((read) => read());
      const started = performance.now();
      const { latenciesMs, results } = await bursts[i]!(count, done);
      acc.sample.elapsedMs += performance.now() - started;
      plan.meters.forEach((read, m) => {
        const [b, a] = [before[m], read()];
        const soFar = acc.cpuMs[m];
        acc.cpuMs[m] = b && a && soFar !== undefined ? soFar + cpuMsBetween(b, a) : undefined;
      });
      acc.sample.operations += count;
      acc.sample.latenciesMs.push(...latenciesMs);
      acc.results.push(...results);
    }
  }
  for (const acc of out) acc.sample.serverCpuMs = acc.cpuMs[0];
  return out;
}
