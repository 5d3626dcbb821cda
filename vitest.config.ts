import { defineConfig } from "vitest/config";

// Node-side tests: pure logic in lib/ and types/, the bot, and cross-process tests in tests/.
export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "types/**/*.test.ts", "bot/**/*.test.ts", "tests/integration/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
