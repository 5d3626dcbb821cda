import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The cross-process files, longest first as measured (the last ones take a few seconds, every other
 * file well under one). A file not listed runs after these, in vitest's own order.
 */
const SLOW_FIRST = [
  "tests/integration/worker-queue-drain.test.ts",
  "tests/integration/bot-crash-safety.test.ts",
  "tests/integration/live-storm.test.ts",
  "tests/integration/bot-outage.test.ts",
  "tests/integration/bot-replies.test.ts",
  "tests/integration/chaos.test.ts",
  "tests/integration/worker-concurrency.test.ts",
  "tests/integration/scenes.test.ts",
  "tests/integration/bot-streaming.test.ts",
  "tests/integration/production-bundle.test.ts",
  "tests/integration/bot-thinking.test.ts",
];

/**
 * Long files first, so the three lanes end together. Vitest's own order is longest first by the
 * last run's timings, but on a fresh clone (CI) it has none and runs the largest files first: the
 * long cross-process files, which are short in lines, then started last and ran on alone (a minute
 * longer). The list decides only when there is no timing to go by.
 */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const measured = files.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${this.path(f)}`));
    const sorted = await super.sort(files);
    if (measured) return sorted;
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(this.path(f));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }

  private path(f: TestSpecification): string {
    return relative(this.ctx.config.root, f.moduleId).split("\\").join("/");
  }
}

// Node-side tests: pure logic in lib/ and types/, the bot, and cross-process tests in tests/.
export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "types/**/*.test.ts", "bot/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    // Most of these files wait on real processes (wrangler dev, bots, a fake LLM: leases, outages,
    // restarts), not on the CPU, so more files than cores run at once; vitest's default here (cores
    // minus one) ran them one after another.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
