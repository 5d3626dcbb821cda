// `npm run deploy [-- --dry-run [--no-build]]`: build the static app and ship the one Worker (app assets + API +
// Room Durable Object + KV binding). A real deploy refuses until the KV namespace id and the
// BOT_TOKEN / ADMIN_TOKEN secrets are configured (docs/DEPLOY.md); a dry run builds offline.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
// A dry run on the out/ already there (tests/integration/production-bundle.test.ts: a test must
// not rebuild the app under the e2e tests that serve it). A real deploy always builds.
const skipBuild = dryRun && args.includes("--no-build");
const env = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH ?? ""}`,
  NEXT_TELEMETRY_DISABLED: "1",
  WRANGLER_SEND_METRICS: "false",
};
const PLACEHOLDER_KV_ID = "00000000000000000000000000000000";

function refuse(message) {
  console.error(`\n[deploy] refusing to deploy: ${message}\n          See docs/DEPLOY.md.\n`);
  process.exit(1);
}

function run(cmd, cmdArgs, opts = {}) {
  const result = spawnSync(cmd, cmdArgs, {
    cwd: root,
    env,
    encoding: "utf8",
    stdio: opts.capture ? "pipe" : "inherit",
  });
  if (result.status !== 0 && !opts.allowFailure) {
    if (opts.capture) process.stderr.write(result.stderr ?? "");
    process.exit(result.status ?? 1);
  }
  return result;
}

if (!dryRun) {
  const kvId = /\[\[kv_namespaces\]\][^[]*?\bid\s*=\s*"([^"]*)"/s.exec(
    readFileSync(join(root, "wrangler.toml"), "utf8"),
  )?.[1];
  if (!kvId || kvId === PLACEHOLDER_KV_ID) {
    refuse(
      "wrangler.toml still has the placeholder KV namespace id. Run `npx wrangler kv namespace create SNAPSHOTS` and put its id in [[kv_namespaces]].",
    );
  }
  const listed = run("wrangler", ["secret", "list", "--format", "json"], { capture: true, allowFailure: true });
  if (listed.status !== 0)
    refuse(`could not list the Worker's secrets (are you logged in? \`npx wrangler login\`):\n${listed.stderr}`);
  const names = new Set(JSON.parse(listed.stdout || "[]").map((s) => s.name));
  const missing = ["BOT_TOKEN", "ADMIN_TOKEN"].filter((n) => !names.has(n));
  if (missing.length)
    refuse(`missing Worker secret(s) ${missing.join(", ")}. Set each with \`npx wrangler secret put NAME\`.`);
}

if (skipBuild) console.log("[deploy] --no-build: bundling with the app already in out/");
else {
  console.log("[deploy] building the app (next build → out/) …");
  run("next", ["build"]);
}

const files = listFiles(join(root, "out"));
const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
console.log(`\n[deploy] static assets: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, served by the Worker:`);
for (const f of files) console.log(`  ${relative(join(root, "out"), f)}`);

const wranglerArgs = ["deploy", ...args.filter((a) => a !== "--dry-run" && a !== "--no-build")];
if (dryRun) wranglerArgs.push("--dry-run", "--outdir", join(root, ".tmp", "deploy-dry-run"));
console.log(`\n[deploy] wrangler ${wranglerArgs.join(" ")}`);
run("wrangler", wranglerArgs);

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}
