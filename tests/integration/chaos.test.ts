// The short chaos run inside `npm test` (E4, C11; the full run is `npm run chaos`):
// the same code as bench/chaos.ts with small numbers: posters retry through a Worker SIGKILL,
// a bot is SIGKILLed mid-job, live subscribers reconnect by cursor. Nothing lost, nothing doubled,
// every subscriber has every stored message once, every addressed message answered once or failed.
import { expect, test } from "vitest";
import { renderChaosReport, runChaos } from "../support/chaos-run.ts";

test("a short chaos run: 4 posters × 150 messages through a Worker SIGKILL and a bot SIGKILL lose and double nothing", async () => {
  const report = await runChaos({
    posters: 4,
    messages: 600,
    addressedEvery: 5,
    bots: 2,
    botConcurrency: 2,
    leaseSeconds: 5,
    subscribers: 10,
    workerKillsAt: [0.5],
    botKillsAt: [0.3],
    workerDownMs: [300, 800],
    botDownMs: 500,
    drainTimeoutMs: 40_000,
    log: () => {},
  });
  console.log(renderChaosReport(report));
  expect(report.checks.filter((c) => !c.ok)).toEqual([]);
  expect(report.workerKills).toBe(1);
  expect(report.stored).toBe(600);
  expect(report.subscriber.minReceived).toBe(report.storedTotal);
}, 120_000);
