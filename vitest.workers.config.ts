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
          MAX_ATTEMPTS: "3",
          ALLOWED_ORIGINS: "http://localhost:3000",
        },
      },
    }),
  ],
  test: {
    include: ["workers/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
