// What every benchmark script starts from: where the repository and its results file are, the
// local tokens the Worker under test accepts, and how a results section names the machine.
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, cpus, totalmem } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../../tests/support/worker-process.ts";

export { REPO_ROOT };
/** The shared results file; each benchmark rewrites only its own section (bench/lib/results-file.ts). */
export const RESULTS_PATH = join(REPO_ROOT, "bench", "RESULTS.md");

/**
 * A local secret as the Worker reads it: from .dev.vars, or from .dev.vars.example before
 * scripts/prepare-local.mjs has copied it there.
 */
export function localToken(name: "BOT_TOKEN" | "ADMIN_TOKEN"): string {
  const file = existsSync(join(REPO_ROOT, ".dev.vars")) ? ".dev.vars" : ".dev.vars.example";
  const value = new RegExp(`^${name}=(.*)$`, "m").exec(readFileSync(join(REPO_ROOT, file), "utf8"))?.[1]?.trim();
  if (!value) throw new Error(`${file} has no ${name} line`);
  return value;
}

/** The machine a figure was measured on, for the "Measured … on …" line of a results section. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  return `${process.platform} ${process.arch}, nproc ${availableParallelism()} (${cpu}), ${memory} RAM, Node ${process.version}`;
}

/** Now, as `YYYY-MM-DD HH:MM` (UTC). */
export function measuredAt(): string {
  return new Date().toISOString().slice(0, 16).replace("T", " ");
}
