// The real comments Worker (`wrangler dev`) on a FIXED port and a FIXED `--persist-to` state, so
// a chaos run can SIGKILL the whole process group (wrangler and its workerd) and start it again
// where clients will find it, on the state it left behind.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupGone, signalGroup } from "./process-group.ts";
import { sleep } from "./waiting.ts";
import { BIN_DIR, devFlags, freePort, REPO_ROOT, wranglerEnv } from "./worker-process.ts";

const READY_TIMEOUT_MS = 90_000;

export interface RestartableWorker {
  url: string;
  /** How many times the group was SIGKILLed. */
  readonly kills: number;
  start(): Promise<void>;
  /** SIGKILL to the whole process group, then waits until every process of it is gone. */
  kill(): Promise<void>;
  /** Graceful stop (SIGINT, then SIGKILL) and removal of the state. */
  dispose(): Promise<void>;
}

export async function createRestartableWorker(vars: Record<string, string> = {}): Promise<RestartableWorker> {
  execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "prepare-local.mjs")], {
    cwd: REPO_ROOT,
    stdio: "ignore",
  });
  const scratch = mkdtempSync(join(tmpdir(), "sww-chaos-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let generation = 0;
  let kills = 0;
  let output: string[] = [];

  const start = async () => {
    generation++;
    const args = [
      "dev",
      ...devFlags({
        port,
        inspectorPort: await freePort(),
        stateDir: join(scratch, "state"),
        vars: { RATE_LIMIT_PER_MINUTE: "1000000", POST_FLOOD_GUARD: "0", ...vars },
      }),
      "--log-level",
      "warn",
      "--show-interactive-dev-session=false",
    ];
    output = [];
    const spawned = spawn(join(BIN_DIR, "wrangler"), args, {
      cwd: REPO_ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      // A SIGKILLed wrangler leaves its registry entry behind for ~90 s: a fresh registry per start.
      env: wranglerEnv(join(scratch, `registry-${generation}`)),
    });
    child = spawned;
    const keep = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
    };
    spawned.stdout?.on("data", keep);
    spawned.stderr?.on("data", keep);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (spawned.exitCode !== null) break;
      try {
        const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(
      `the Worker (start ${generation}) did not become healthy\n--- wrangler output ---\n${output.join("")}`,
    );
  };

  const kill = async () => {
    const pid = child?.pid;
    if (pid === undefined) return;
    signalGroup(pid, "SIGKILL");
    kills++;
    await groupGone(pid, 10_000, 50);
    child = null;
  };

  const dispose = async () => {
    const current = child;
    if (current?.pid !== undefined && current.exitCode === null) {
      const exited = new Promise<void>((resolve) => current.once("exit", () => resolve()));
      signalGroup(current.pid, "SIGINT");
      await Promise.race([exited, sleep(10_000)]);
      signalGroup(current.pid, "SIGKILL");
    }
    child = null;
    rmSync(scratch, { recursive: true, force: true });
  };

  return {
    url,
    get kills() {
      return kills;
    },
    start,
    kill,
    dispose,
  };
}
