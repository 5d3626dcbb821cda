import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Worker tests run inside workerd with the real bindings of wrangler.toml (Durable Objects, KV).
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          BOT_TOKEN: "test-bot-token",
          ADMIN_TOKEN: "test-admin-token",
          RATE_LIMIT_PER_MINUTE: "1000000",
          ALLOWED_ORIGINS: "http://localhost:3000",
          // Runs per route of workers/test/fuzz.test.ts; FUZZ_RUNS=200 for a longer run.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "25",
        },
        // The flood guard out of every other file's way (like RATE_LIMIT_PER_MINUTE above);
        // workers/test/rate-limit.test.ts swaps in POST_FLOOD_TEST, whose limit a test can reach.
        ratelimits: {
          POST_FLOOD: { namespace_id: "1201", simple: { limit: 1_000_000, period: 60 } },
          POST_FLOOD_TEST: { namespace_id: "9001", simple: { limit: 3, period: 60 } },
        },
      },
    }),
  ],
  test: {
    include: ["workers/**/*.test.ts"],
    // Each file gets its own workerd isolate and storage, so files are independent; vitest's
    // default on a 2-core machine (cores minus one) ran them one after another.
    maxWorkers: 2,
    // workerd fetches every node_modules file it cannot resolve from the pool, one request at a
    // time and again for every test file; pre-bundled, each library is one module (import time
    // halves). Every entry point the code imports is listed, so no library exists twice (a second
    // copy of hono's HTTPException would fail its instanceof checks).
    deps: {
      optimizer: {
        ssr: {
          enabled: true,
          include: ["zod", "hono", "hono/cors", "hono/http-exception", "@hono/zod-openapi", "fast-check"],
        },
      },
    },
    testTimeout: 60_000,
  },
});
