import { execFileSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";

/**
 * End-to-end tests in Debian Chromium against the real Worker (serving the built app from out/
 * and the API), a fake OpenAI-compatible LLM and the real bot answering as the entity
 * `e2e-echo`. Every server binds to 127.0.0.1 on a free port and starts from empty state.
 *
 *   npm run build && npx playwright test                     # the suite
 *   SWW_SCREENSHOTS=1 npx playwright test --grep @screenshots # regenerate docs/screenshot-*.png
 *   SWW_BENCH=1 npx playwright test --grep @bench            # web app performance (bench/RESULTS.md)
 */

/** Ports are chosen once, in the runner, and inherited by the worker processes through the environment. */
function freePorts(count: number): number[] {
  const script = `const net=require("node:net");const ports=[];const servers=[];
    (async()=>{for(let i=0;i<${count};i++){const s=net.createServer();await new Promise(r=>s.listen(0,"127.0.0.1",r));
    servers.push(s);ports.push(s.address().port);}servers.forEach(s=>s.close());console.log(ports.join(","));})();`;
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }).trim().split(",").map(Number);
}

if (!process.env.E2E_PORT || !process.env.E2E_LLM_PORT) {
  const [worker, llm] = freePorts(2);
  process.env.E2E_PORT ??= String(worker);
  process.env.E2E_LLM_PORT ??= String(llm);
}
process.env.E2E_STATE ??= `.tmp/e2e-state-${Date.now()}`;

const port = Number(process.env.E2E_PORT);
const llmPort = Number(process.env.E2E_LLM_PORT);
const stateDir = process.env.E2E_STATE;
/** The room the test bot serves (a bot serves one room); tests/e2e/support/env.ts names it too. */
const BOT_ROOM = "e2e-bot";
const quietWrangler = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_REGISTRY_PATH: `${stateDir}/registry`,
};

const optIn = [process.env.SWW_SCREENSHOTS ? null : "@screenshots", process.env.SWW_BENCH ? null : "@bench"].filter(
  (tag): tag is string => tag !== null,
);

export default defineConfig({
  testDir: "tests/e2e",
  // Two spec files at once (tests inside a file stay in order). Every test works in a room of its
  // own, or in the bot's room on messages of its own; a test that stops a Worker starts its own.
  fullyParallel: false,
  workers: 2,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [["list"]],
  grepInvert: optIn.length ? new RegExp(optIn.join("|")) : undefined,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: [
    {
      // The real Worker serving the built app (out/) and the API, on fresh local state.
      command: `node scripts/prepare-local.mjs && wrangler dev --ip 127.0.0.1 --port ${port} --persist-to ${stateDir} --var RATE_LIMIT_PER_MINUTE:100000 --var POST_FLOOD_GUARD:0`,
      url: `http://127.0.0.1:${port}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      gracefulShutdown: { signal: "SIGINT", timeout: 5_000 },
      env: quietWrangler,
    },
    {
      // A fake OpenAI-compatible LLM: replies `echo: <last user message>` after a short think.
      command: `node tests/support/fake-llm.ts --port ${llmPort} --latency-ms 700`,
      url: `http://127.0.0.1:${llmPort}/v1/models`,
      reuseExistingServer: false,
      timeout: 20_000,
      gracefulShutdown: { signal: "SIGINT", timeout: 2_000 },
    },
    {
      // The real bot, answering as the entities in tests/e2e/entities.json.
      command: `node bot/cli.ts --api http://127.0.0.1:${port} --token dev-bot-token --llm http://127.0.0.1:${llmPort}/v1 --entities tests/e2e/entities.json --room ${BOT_ROOM} --poll-wait-seconds 5 --shutdown-grace-seconds 1`,
      // Started once it logs its start line (read even though its chatter is not echoed).
      wait: { stdout: /\[start\] worker/ },
      stdout: "ignore",
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: "SIGINT", timeout: 5_000 },
    },
  ],
});
