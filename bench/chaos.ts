// `npm run chaos` (E4, C11): 16 posters send 10,000 messages (one in five addressed
// to an entity) while three bots answer through the fake LLM; the Worker's process group is
// SIGKILLed three times and bots are SIGKILLed, and 50 live subscribers follow the room through
// it all. Prints the counts and exits non-zero if any check fails.
//   CHAOS_MESSAGES=2000 npm run chaos   (a smaller, documented size)
import { loadavg } from "node:os";
import { renderChaosReport, runChaos } from "../tests/support/chaos-run.ts";

const messages = Number(process.env.CHAOS_MESSAGES ?? 10_000);
console.log(
  `chaos: ${messages} messages, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")}`,
);
const report = await runChaos({
  posters: 16,
  messages,
  addressedEvery: 5,
  bots: 3,
  botConcurrency: 4,
  leaseSeconds: 5,
  subscribers: 50,
  workerKillsAt: [0.2, 0.45, 0.7],
  botKillsAt: [0.1, 0.35, 0.6, 0.85],
  workerDownMs: [500, 2_000],
  botDownMs: 1_000,
  drainTimeoutMs: 300_000,
  log: (line) => console.log(line),
});
console.log(`\n${renderChaosReport(report)}`);
process.exitCode = report.checks.every((c) => c.ok) ? 0 : 1;
