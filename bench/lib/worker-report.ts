import type { GroupResult, ScenarioResult, WorkerBenchConfig } from "../worker.ts";
import { SEEDED_ROWS } from "./worker-scenarios.ts";

export interface RunContext {
  date: Date;
  machine: string;
  benchCommand: string;
  workerCommand: string;
  config: WorkerBenchConfig;
}

const perSecond = (r: ScenarioResult) => `${Math.round(r.median.perSecond)} ${r.unit}/s`;
const ms = (x: number) => x.toFixed(1);

function verdict(s: ScenarioResult): string {
  if (s.target === undefined || s.ratio === undefined) return "";
  if (s.ratio >= s.target) return `≥ ${s.target.toFixed(2)}: **met**`;
  const short = ((s.target - s.ratio) / s.target) * 100;
  return `≥ ${s.target.toFixed(2)}: **missed** by ${short.toFixed(0)} %`;
}

const ratioCell = (x: number | undefined) => (x === undefined ? "" : x.toFixed(2));
const cpuCell = (r: ScenarioResult) => (r.median.cpuMsPerOp === undefined ? "n/a" : r.median.cpuMsPerOp.toFixed(2));

function resultsTable(groups: GroupResult[]): string[] {
  const lines = [
    "| measurement | throughput | p50 ms | p99 ms | × baseline (throughput) | server CPU ms per op | × baseline (CPU) | target |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const g of groups) {
    lines.push(`| **${g.title}** | | | | | | | |`);
    const b = g.baseline;
    lines.push(
      `| ${b.label} (baseline) | ${perSecond(b)} | ${ms(b.median.p50Ms)} | ${ms(b.median.p99Ms)} | 1.00 | ${cpuCell(b)} | 1.00 | |`,
    );
    for (const s of g.subjects) {
      lines.push(
        `| ${s.label} | ${perSecond(s)} | ${ms(s.median.p50Ms)} | ${ms(s.median.p99Ms)} | ${ratioCell(s.ratio)} | ${cpuCell(s)} | ${ratioCell(s.cpuRatio)} | ${verdict(s)} |`,
      );
    }
  }
  return lines;
}

function storageTable(groups: GroupResult[]): string[] {
  const lines = [
    "| request | KV reads | KV writes | rows read | rows written | Worker `total` ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  const cell = (m: number, x: number) => (m === x ? `${m}` : `${m} (max ${x})`);
  for (const s of groups.flatMap((g) => g.subjects)) {
    if (!s.storage) continue;
    const { median: m, max: x } = s.storage;
    lines.push(
      `| ${s.label} | ${cell(m.kvRead, x.kvRead)} | ${cell(m.kvWrite, x.kvWrite)} | ${cell(m.rowsRead, x.rowsRead)} | ${cell(m.rowsWritten, x.rowsWritten)} | ${m.workerMs} |`,
    );
  }
  return lines;
}

function roundsTable(groups: GroupResult[]): string[] {
  const all = groups.flatMap((g) => [g.baseline, ...g.subjects]);
  const n = all[0]?.rounds.length ?? 0;
  const rounds = Array.from({ length: n }, (_, i) => `r${i + 1}`);
  return [
    `| measurement | ${rounds.join(" | ")} |`,
    `| --- | ${rounds.map(() => "---:").join(" | ")} |`,
    ...all.map((s) => `| ${s.label} | ${s.rounds.map((r) => Math.round(r.perSecond)).join(" | ")} |`),
  ];
}

function findings(groups: GroupResult[], concurrency: number): string[] {
  const subjects = groups.flatMap((g) => g.subjects);
  const find = (key: string) => [...groups.map((g) => g.baseline), ...subjects].find((s) => s.key === key);
  const lines: string[] = [];
  for (const s of subjects.filter((x) => x.target !== undefined)) {
    const cpu = s.cpuRatio === undefined ? "" : `; by server CPU per request it is ${s.cpuRatio.toFixed(2)}×`;
    const straddles =
      s.cpuRatio !== undefined &&
      s.ratio !== undefined &&
      s.target !== undefined &&
      s.ratio >= s.target !== s.cpuRatio >= s.target;
    const caveat = straddles ? ", on the other side of the target: **borderline**" : "";
    lines.push(`- ${s.label}: ${ratioCell(s.ratio)}× its baseline's throughput, target ${verdict(s)}${cpu}${caveat}.`);
  }
  const [anonymous, withToken] = [find("post"), find("post-bot")];
  if (anonymous && withToken) {
    const both = (r: ScenarioResult) =>
      `${ratioCell(r.ratio)}× by throughput${r.cpuRatio === undefined ? "" : `, ${ratioCell(r.cpuRatio)}× by CPU`}`;
    lines.push(
      `- Diagnostic: the same POST with the bot token, which skips the per-IP rate limit (a token bucket kept in the Room), runs at ${both(withToken)} ` +
        `of bare insert (anonymous: ${both(anonymous)}).`,
    );
    const insertCpu = find("bare-insert")?.median.cpuMsPerOp;
    const [anonCpu, tokenCpu] = [anonymous.median.cpuMsPerOp, withToken.median.cpuMsPerOp];
    if (insertCpu !== undefined && anonCpu !== undefined && tokenCpu !== undefined) {
      lines.push(
        `- Server CPU per write: bare insert ${insertCpu.toFixed(2)} ms, POST ${anonCpu.toFixed(2)} ms ` +
          `(+${(anonCpu - insertCpu).toFixed(2)} ms), of which the rate-limit check (anonymous − bot token) is ` +
          `${(anonCpu - tokenCpu).toFixed(2)} ms and validation plus the Room's transaction the other ${(tokenCpu - insertCpu).toFixed(2)} ms.`,
      );
    }
  }
  const empty = find("empty-poll")?.storage;
  if (empty) {
    const ok = empty.max.kvRead === 0 && empty.max.rowsRead <= 1;
    lines.push(
      `- Empty poll storage work: at most ${empty.max.kvRead} KV reads and ${empty.max.rowsRead} rows read per request ` +
        `in a room of ${SEEDED_ROWS} messages (required: 0 KV, O(1) rows): **${ok ? "met" : "missed"}**.`,
    );
  }
  const post = anonymous?.storage;
  if (post) {
    lines.push(
      `- A POST reads ${post.median.rowsRead} and writes ${post.median.rowsWritten} rows (median), and touches no KV.`,
    );
  }
  const pair = find("claim-complete")?.storage;
  if (pair) {
    lines.push(
      `- claim-next + complete read ${pair.median.rowsRead} rows per round trip (median; max ${pair.max.rowsRead}) ` +
        `with up to ${concurrency} leases held at once.`,
    );
  }
  return lines;
}

/** The "## Comments Worker" section of bench/RESULTS.md, regenerated whole on every run. */
export function renderWorkerSection(groups: GroupResult[], ctx: RunContext): string {
  const c = ctx.config;
  return [
    "## Comments Worker",
    "",
    `Measured ${ctx.date.toISOString().replace("T", " ").slice(0, 16)} UTC with \`${ctx.benchCommand}\` on ${ctx.machine}.`,
    "",
    `The Worker ran as \`${ctx.workerCommand}\` (wrangler dev on local workerd, fresh state, bound to 127.0.0.1).`,
    `Load: ${c.concurrency} keep-alive connections; per measurement and round ${c.requests} requests ` +
      `(${c.pairs} operations of two requests for the bot round trip), after a discarded warm-up of ${c.warmup} per measurement. ` +
      `${c.rounds} rounds; within a round a baseline and its subjects alternate in bursts of ${c.slice} requests ` +
      "(starting member rotated each round), so they share the same moments of a noisy machine. " +
      "Throughput, p50, p99 and CPU per op are medians over the rounds; each × baseline is the median of the per-round ratios. " +
      "Server CPU is the CPU time of the whole `npm run api` process group (wrangler and workerd) over a member's bursts, divided by its operations; " +
      "its ratio (baseline CPU ÷ subject CPU) estimates the throughput ratio of a server with the cores to itself, and moves far less than throughput when other programs load the machine. " +
      "Client and server share the machine's cores, so absolute figures are low and noisy; the ratios are the point.",
    "",
    ...resultsTable(groups),
    "",
    "Storage work per request, from the `Server-Timing` header (median over every measured request, max when different; " +
      "Worker `total` is wall time inside the Worker, which on workerd only advances across I/O):",
    "",
    ...storageTable(groups),
    "",
    "Findings:",
    "",
    ...findings(groups, c.concurrency),
    "",
    `Throughput per round (${groups.map((g) => g.baseline.unit).includes("op") ? "req/s; op/s for the bot round trip" : "req/s"}):`,
    "",
    ...roundsTable(groups),
  ].join("\n");
}
