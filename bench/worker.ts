import type { HttpClient } from "./lib/http-client.ts";
import { type CpuMeter, interleavedRound } from "./lib/interleaved.ts";
import { runLoad } from "./lib/load.ts";
import {
  median,
  medianOfRounds,
  pairedCpuCapacityRatio,
  pairedThroughputRatio,
  type RoundSample,
  type RoundSummary,
  summarizeRound,
} from "./lib/stats.ts";
import { type Group, type Scenario, type StorageWork, type TimedOp, workerGroups } from "./lib/worker-scenarios.ts";

/**
 * The comments Worker benchmark's procedure: warm up, then rounds in which each baseline and
 * the API paths compared to it alternate in short bursts; figures are medians over rounds.
 */

export interface WorkerBenchConfig {
  concurrency: number;
  rounds: number;
  /** Requests per measurement per round (single-request scenarios). */
  requests: number;
  /** Two-request operations per measurement per round (claim + complete, two bare inserts). */
  pairs: number;
  /** Operations per measurement in the discarded warm-up round. */
  warmup: number;
  /** Requests per burst: baseline and subjects alternate bursts of this size within a round. */
  slice: number;
  botToken: string;
}

export interface ScenarioResult {
  key: string;
  label: string;
  unit: "req" | "op";
  rounds: RoundSummary[];
  median: RoundSummary;
  /** Median per-round throughput ratio to the group's baseline (absent for the baseline itself). */
  ratio?: number;
  /** Median per-round ratio of the baseline's server CPU per operation to this one's. */
  cpuRatio?: number;
  target?: number;
  /** Median and maximum of each Server-Timing figure over every measured request (API routes only). */
  storage?: { median: StorageWork; max: StorageWork };
}

export interface GroupResult {
  key: string;
  title: string;
  baseline: ScenarioResult;
  subjects: ScenarioResult[];
}

interface Collected {
  rounds: RoundSummary[];
  work: StorageWork[];
}

/**
 * One round of a group: every member does `operations` operations in alternating bursts of
 * `config.slice` requests (see lib/interleaved.ts).
 */
async function measureGroupRound(
  group: Group,
  operations: number,
  config: WorkerBenchConfig,
  round: number,
  serverCpu: CpuMeter,
): Promise<Map<Scenario, { sample: RoundSample; work: StorageWork[] }>> {
  const members = [group.baseline, ...group.subjects];
  const ops: TimedOp[] = [];
  for (const m of members) ops.push(await m.prepare(operations));
  const slice = group.unit === "op" ? Math.max(1, Math.floor(config.slice / 2)) : config.slice;
  const measured = await interleavedRound(
    ops.map(
      (op) => (count: number, offset: number) =>
        runLoad({ concurrency: config.concurrency, operations: count }, (i) => op(offset + i)),
    ),
    { operations, slice, round, meters: [serverCpu] },
  );
  return new Map(
    members.map((m, i) => {
      const { sample, results } = measured[i]!;
      return [m, { sample, work: results.filter((w): w is StorageWork => w !== null) }];
    }),
  );
}

function summarizeWork(work: StorageWork[]): ScenarioResult["storage"] {
  if (work.length === 0) return undefined;
  const keys = ["kvRead", "kvWrite", "rowsRead", "rowsWritten", "workerMs"] as const;
  const pick = (f: (values: number[]) => number) =>
    Object.fromEntries(keys.map((k) => [k, f(work.map((w) => w[k]))])) as unknown as StorageWork;
  return { median: pick(median), max: pick((v) => Math.max(...v)) };
}

/**
 * Runs every group for the configured rounds. `serverCpu` reads the server's CPU time so far
 * (null when it cannot be read; then CPU figures are left out).
 */
export async function runWorkerBench(
  http: HttpClient,
  config: WorkerBenchConfig,
  serverCpu: CpuMeter,
  progress: (line: string) => void,
): Promise<GroupResult[]> {
  const plan = workerGroups(http, config);
  const operationsFor = (g: Group) => (g.unit === "op" ? config.pairs : config.requests);

  progress(`warm-up: ${config.warmup} operations per measurement`);
  for (const g of plan) await measureGroupRound(g, config.warmup, config, 0, serverCpu);

  const collected = new Map<Scenario, Collected>();
  for (let round = 0; round < config.rounds; round++) {
    for (const g of plan) {
      const measured = await measureGroupRound(g, operationsFor(g), config, round, serverCpu);
      const line = [g.baseline, ...g.subjects].map((s) => {
        const { sample, work } = measured.get(s)!;
        const summary = summarizeRound(sample);
        const entry = collected.get(s) ?? { rounds: [], work: [] };
        entry.rounds.push(summary);
        entry.work.push(...work);
        collected.set(s, entry);
        const cpu = summary.cpuMsPerOp === undefined ? "" : `, ${summary.cpuMsPerOp.toFixed(2)} CPU ms/${g.unit}`;
        return `${summary.perSecond.toFixed(0)} ${g.unit}/s (p50 ${summary.p50Ms.toFixed(0)} ms${cpu})`;
      });
      progress(`round ${round + 1}/${config.rounds}  ${g.title}: ${line.join(" vs ")}`);
    }
  }

  return plan.map((g) => {
    const base = collected.get(g.baseline)!;
    const result = (s: Scenario, compared: boolean): ScenarioResult => {
      const c = collected.get(s)!;
      return {
        key: s.key,
        label: s.label,
        unit: g.unit,
        rounds: c.rounds,
        median: medianOfRounds(c.rounds),
        ratio: compared ? pairedThroughputRatio(c.rounds, base.rounds) : undefined,
        cpuRatio: compared ? pairedCpuCapacityRatio(c.rounds, base.rounds) : undefined,
        target: s.target,
        storage: summarizeWork(c.work),
      };
    };
    return {
      key: g.key,
      title: g.title,
      baseline: result(g.baseline, false),
      subjects: g.subjects.map((s) => result(s, true)),
    };
  });
}
