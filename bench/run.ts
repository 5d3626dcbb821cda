// `npm run bench`: starts the real comments Worker, measures it against its bare baselines, and
// rewrites the "Comments Worker" section of bench/RESULTS.md. Node built-ins only.
import { loadavg } from "node:os";
import { HttpClient } from "./lib/http-client.ts";
import { writeSection } from "./lib/results-file.ts";
import { localToken, machine, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import { startWorker } from "./lib/worker-process.ts";
import { renderWorkerSection } from "./lib/worker-report.ts";
import { runWorkerBench, type WorkerBenchConfig } from "./worker.ts";

/**
 * Sized so the whole run stays within about three minutes on two cores. Many short rounds beat
 * a few long ones here: the median of paired rounds shrugs off a burst from another process.
 */
const SIZES = { concurrency: 16, rounds: 7, requests: 240, pairs: 120, warmup: 80, slice: 80 } as const;

// Exiting runs the Worker's exit hook, which sends wrangler (in its own process group) SIGINT.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const loadBefore = loadavg()[0]!;
const worker = await startWorker(REPO_ROOT, {
  RATE_LIMIT_PER_MINUTE: "100000000",
  POST_FLOOD_GUARD: "0",
});
console.log(`Worker up at ${worker.origin} after ${((Date.now() - started) / 1000).toFixed(1)} s`);

const config: WorkerBenchConfig = { ...SIZES, botToken: localToken("BOT_TOKEN") };
const http = new HttpClient(worker.origin, config.concurrency);
let groups: Awaited<ReturnType<typeof runWorkerBench>>;
try {
  groups = await runWorkerBench(http, config, worker.serverCpu, (line) => console.log(line));
} finally {
  http.close();
  await worker.stop();
}

const section = renderWorkerSection(groups, {
  date: new Date(),
  machine: `${machine()}; 1-min load average ${loadBefore.toFixed(2)} before the run, ${loadavg()[0]!.toFixed(2)} after`,
  benchCommand: "npm run bench",
  workerCommand: worker.command,
  config,
});
writeSection(RESULTS_PATH, "worker-bench", section);
console.log(`\n${section}\n`);
console.log(`Wrote ${RESULTS_PATH} in ${((Date.now() - started) / 1000).toFixed(0)} s total.`);
