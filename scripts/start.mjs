// `npm start`: the whole system on local embedded state. Builds the app when its sources changed,
// runs the Worker (app + API on workerd, state in .wrangler/state) and one AI bot, prints the URL,
// and on Ctrl-C stops the bot (it hands back its jobs) and then the Worker, leaving nothing behind.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");
const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  NEXT_TELEMETRY_DISABLED: "1",
};

run("node", [join(root, "scripts", "prepare-local.mjs")]);
buildAppIfChanged();

const children = [];
const worker = start("worker", "wrangler", [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(port),
  "--persist-to",
  join(root, ".wrangler", "state"),
  "--show-interactive-dev-session=false",
]);
let stopping = false;
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

await waitForHealth();
const secrets = readDevVars();
start("bot", "node", [join(root, "bot", "cli.ts")], {
  COMMENTS_API_URL: url,
  BOT_TOKEN: secrets.BOT_TOKEN ?? "dev-bot-token",
});
console.log(`\n  Say What Want is running: ${url}\n  Queue stats: ${url}/api/stats   ·   Ctrl-C stops everything\n`);

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Rebuilds out/ only when a source is newer than the last build, so a restart stays quick. */
function buildAppIfChanged() {
  const stamp = join(root, "out", ".build-stamp");
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const sources = ["app", "components", "hooks", "lib", "types", "public", "next.config.mjs", "package-lock.json"];
  const newest = Math.max(...sources.map((s) => newestMtime(join(root, s))));
  if (newest <= built) return console.log("[start] app is up to date (out/)");
  console.log("[start] building the app …");
  run("next", ["build"]);
  writeFileSync(stamp, new Date().toISOString());
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Each child gets its own process group, so stopping it also stops whatever it spawned. */
function start(name, cmd, args, extraEnv = {}) {
  const child = spawn(cmd, args, { cwd: root, env: { ...env, ...extraEnv }, stdio: "inherit", detached: true });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      shutdown();
    }
  });
  children.push({ name, child });
  return child;
}

async function waitForHealth() {
  for (let i = 0; i < 300; i++) {
    if (worker.exitCode !== null) process.exit(1);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error(`[start] the Worker did not answer ${url}/api/health within 30 s`);
  shutdown();
}

function readDevVars() {
  const vars = {};
  for (const line of readFileSync(join(root, ".dev.vars"), "utf8").split("\n")) {
    const match = /^\s*([A-Z_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) vars[match[1]] = match[2];
  }
  return vars;
}

/** Bot first (it releases its leases through the API), then the Worker (SIGINT deregisters it). */
async function shutdown() {
  if (stopping) return;
  stopping = true;
  console.log("\n[start] stopping …");
  for (const name of ["bot", "worker"]) {
    const entry = children.find((c) => c.name === name);
    if (entry) await stopGroup(entry.child, name === "bot" ? "SIGTERM" : "SIGINT");
  }
  process.exit(0);
}

async function stopGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return killGroup(child);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid, signal);
  } catch {}
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  killGroup(child);
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {}
}
