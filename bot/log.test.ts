import { describe, expect, it } from "vitest";
import { createJobTally, createLogger, logJob } from "./log.ts";

const at = Date.UTC(2026, 0, 2, 3, 4, 5);

function capture(json: boolean) {
  const lines: string[] = [];
  return { lines, log: createLogger({ json, write: (l) => lines.push(l), now: () => at }) };
}

const job = {
  entity: "sage",
  messageId: "m-1",
  queueWaitMs: 1234.4,
  llmMs: 830.2,
  promptTokens: 45,
  completionTokens: 12,
  outcome: "replied" as const,
};

describe("job log line", () => {
  it("shows entity, message id, queue wait, LLM time, tokens and outcome on one readable line", () => {
    const { lines, log } = capture(false);
    logJob(log, job);
    expect(lines).toEqual([
      "2026-01-02T03:04:05.000Z INFO  [job] replied entity=sage messageId=m-1 waitMs=1234 llmMs=830 tokens=45+12 outcome=replied",
    ]);
  });

  it("is one parseable JSON object with --json, reasons quoted safely", () => {
    const { lines, log } = capture(true);
    logJob(log, {
      ...job,
      outcome: "failed",
      reason: 'model said "no"',
      promptTokens: undefined,
      completionTokens: undefined,
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: "2026-01-02T03:04:05.000Z",
      level: "warn",
      event: "job",
      msg: "failed",
      entity: "sage",
      messageId: "m-1",
      waitMs: 1234,
      llmMs: 830,
      outcome: "failed",
      reason: 'model said "no"',
    });
  });
});

describe("job tally", () => {
  it("summarises a period and starts the next one empty", () => {
    let clock = 0;
    const tally = createJobTally(() => clock);
    tally.add(job);
    tally.add({ ...job, outcome: "skipped", llmMs: 170 });
    tally.add({ ...job, outcome: "lost", llmMs: 9_000 });
    clock = 60_000;
    const summary = tally.take();
    expect(summary).toMatchObject({ periodMs: 60_000, jobs: 3, avgLlmMs: 500, completionTokens: 36 });
    expect(summary.byOutcome).toMatchObject({ replied: 1, skipped: 1, lost: 1, failed: 0 });
    expect(tally.take().jobs).toBe(0);
  });
});
