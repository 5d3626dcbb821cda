import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupGone, signalGroup } from "../../tests/support/process-group.ts";
import { sleep } from "../../tests/support/waiting.ts";
import { devFlags, freePort, wranglerEnv } from "../../tests/support/worker-process.ts";
import { type CpuReading, readProcessGroupCpu } from "./process-cpu.ts";

const STARTUP_TIMEOUT_MS = 90_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const LOG_TAIL_CHARS = 4_000;

export interface RunningWorker {
  origin: string;
  /** The exact command line, for the results file. */
  command: string;
  /** wrangler's inspector (Chrome DevTools protocol) for the Worker's isolate: CPU profiles. */
  inspectorPort: number;
  /** CPU time so far of the whole server (npm, wrangler, workerd), or null where unreadable. */
  serverCpu(): CpuReading | null;
  /** CPU time so far of the workerd processes alone (the runtime that would serve in production). */
  workerdCpu(): CpuReading | null;
  stop(): Promise<void>;
}

/** The bench build: the production Worker plus the baselines and `/api/_bench/*` (workers/bench/). */
export const BENCH_CONFIG = "wrangler.bench.toml";

/**
 * Starts the bench build of the Worker the way `npm run api` does (`-c wrangler.bench.toml`: the
 * production app, unchanged, plus the baselines), on fresh local state and a free port bound to
 * 127.0.0.1, and waits until GET /api/health answers. `vars` become `--var K:V` flags.
 */
export async function startWorker(repoRoot: string, vars: Record<string, string>): Promise<RunningWorker> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const scratch = mkdtempSync(join(tmpdir(), "swm-bench-"));
  const args = [
    "run",
    "api",
    "--",
    "-c",
    BENCH_CONFIG,
    ...devFlags({ port, inspectorPort, stateDir: join(scratch, "state"), vars }),
  ];
  // Its own process group, so SIGINT reaches npm, wrangler and workerd together, as Ctrl-C would.
  const child = spawn("npm", args, {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: wranglerEnv(join(scratch, "registry")),
  });
  let log = "";
  const keepTail = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on("data", keepTail);
  child.stderr?.on("data", keepTail);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  // Safety net: however this process ends (an error, Ctrl-C), the server in its own group is told to stop too.
  const stopOnExit = () => {
    if (child.pid !== undefined) signalGroup(child.pid, "SIGINT");
  };
  process.once("exit", stopOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(child, exited);
    process.off("exit", stopOnExit);
    rmSync(scratch, { recursive: true, force: true });
  };

  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(origin, exited);
  } catch (error) {
    await stop();
    throw new Error(`the Worker did not start: ${(error as Error).message}\n--- wrangler output ---\n${log}`);
  }
  const group = child.pid!;
  return {
    origin,
    command: `npm ${args.join(" ")}`,
    inspectorPort,
    serverCpu: () => readProcessGroupCpu(group),
    workerdCpu: () => readProcessGroupCpu(group, "workerd"),
    stop,
  };
}

async function waitForHealth(origin: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone) throw new Error("wrangler exited before answering /api/health");
    try {
      const res = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet: try again shortly.
    }
    await sleep(250);
  }
  throw new Error(`no answer from ${origin}/api/health within ${STARTUP_TIMEOUT_MS / 1000} s`);
}

/** SIGINT so wrangler shuts workerd down and deregisters; SIGKILL only if the group hangs. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const group = child.pid;
  if (group === undefined) return;
  signalGroup(group, "SIGINT");
  await withDeadline(exited, SHUTDOWN_TIMEOUT_MS);
  // npm may exit before wrangler's workerd has finished: wait for the whole group.
  if (!(await groupGone(group, SHUTDOWN_TIMEOUT_MS))) signalGroup(group, "SIGKILL");
}

/** Waits for `promise`, or `ms` at most; the timer is cleared so it never holds the process open. */
async function withDeadline(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise, deadline]);
  clearTimeout(timer);
}
