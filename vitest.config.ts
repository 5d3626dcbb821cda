import { defineConfig } from "vitest/config";

// Node-side tests: pure logic in lib/ and types/, the bot, and cross-process tests in tests/.
export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "types/**/*.test.ts", "bot/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    // Most of these files wait on real processes (wrangler dev, bots, a fake LLM: leases, outages,
    // restarts), not on the CPU, so more files than cores run at once; vitest's default here (cores
    // minus one) ran them one after another.
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
