// Installs dependencies when they are missing or older than the lock file, so `npm start` and
// `npm test` work on a fresh clone. Plain Node: it may run on the machine's Node 20 before the
// project's own Node 22 (the `node` devDependency) exists.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const installed = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");

const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (stale || !existsSync(join(root, "node_modules", "node", "bin", "node"))) {
  console.log("[deps] installing dependencies (npm ci) …");
  execSync("npm ci --no-audit --no-fund", { cwd: root, stdio: "inherit" });
}
