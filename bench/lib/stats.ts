/** Pure statistics over latency samples and round results; no I/O. */

/** The q-quantile (0..1) by the nearest-rank method: always an observed sample, never interpolated. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error("quantile of no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One measured round: how many operations finished, in how long, and how long each took. */
export interface RoundSample {
  operations: number;
  elapsedMs: number;
  latenciesMs: number[];
  /** Server CPU time spent during the round, when it could be read. */
  serverCpuMs?: number;
}

export interface RoundSummary {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Server CPU time per operation: a cost that competing programs on the machine barely disturb. */
  cpuMsPerOp?: number;
}

export function summarizeRound(round: RoundSample): RoundSummary {
  return {
    perSecond: (round.operations * 1000) / round.elapsedMs,
    p50Ms: quantile(round.latenciesMs, 0.5),
    p99Ms: quantile(round.latenciesMs, 0.99),
    cpuMsPerOp: round.serverCpuMs === undefined ? undefined : round.serverCpuMs / round.operations,
  };
}

/** Across rounds, each figure is the median of that figure's per-round values (robust to a noisy round). */
export function medianOfRounds(rounds: readonly RoundSummary[]): RoundSummary {
  return {
    perSecond: median(rounds.map((r) => r.perSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    cpuMsPerOp: rounds.every((r) => r.cpuMsPerOp !== undefined) ? median(rounds.map((r) => r.cpuMsPerOp!)) : undefined,
  };
}

/**
 * Throughput ratio subject/baseline, paired per round (both ran back to back, so drift in the
 * machine's speed cancels), then the median of those ratios.
 */
export function pairedThroughputRatio(subject: readonly RoundSummary[], baseline: readonly RoundSummary[]): number {
  return pairedRatio(subject, baseline, (s, b) => s.perSecond / b.perSecond);
}

/**
 * The same pairing for CPU cost, expressed as capacity (baseline CPU per op / subject CPU per
 * op): what the throughput ratio would be if the server were CPU-bound on a machine of its own.
 */
export function pairedCpuCapacityRatio(
  subject: readonly RoundSummary[],
  baseline: readonly RoundSummary[],
): number | undefined {
  if (![...subject, ...baseline].every((r) => r.cpuMsPerOp !== undefined && r.cpuMsPerOp > 0)) return undefined;
  return pairedRatio(subject, baseline, (s, b) => b.cpuMsPerOp! / s.cpuMsPerOp!);
}

function pairedRatio(
  subject: readonly RoundSummary[],
  baseline: readonly RoundSummary[],
  ratio: (s: RoundSummary, b: RoundSummary) => number,
): number {
  if (subject.length !== baseline.length) throw new Error("a paired ratio needs as many subject as baseline rounds");
  return median(subject.map((s, i) => ratio(s, baseline[i]!)));
}
