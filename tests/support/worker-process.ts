// Starts the real comments Worker (`wrangler dev`) on a free port with its own state, for tests.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
/** The local bot token (.dev.vars, created from .dev.vars.example by scripts/prepare-local.mjs). */
export const BOT_TOKEN = "dev-bot-token";
export const ADMIN_TOKEN = "dev-admin-token";

export interface WorkerProcess {
  url: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** Spawns `wrangler dev` on 127.0.0.1 with fresh persisted state and waits for /api/health. */
export async function startWorker(
  options: {
    vars?: Record<string, string>;
    /** Restart on a known port and state (a Worker that comes back); both are kept on stop. */
    port?: number;
    stateDir?: string;
  } = {},
): Promise<WorkerProcess> {
  // Same preparation as `npm run api`: local secrets and the static-assets folder on a fresh clone.
  execFileSync(process.execPath, [join(REPO_ROOT, "scripts", "prepare-local.mjs")], {
    cwd: REPO_ROOT,
    stdio: "ignore",
  });
  const scratch = mkdtempSync(join(tmpdir(), "sww-worker-"));
  const port = options.port ?? (await freePort());
  const inspectorPort = await freePort();
  // Limits lifted: the tests post far faster than a person from one address.
  const vars = { RATE_LIMIT_PER_MINUTE: "100000", POST_FLOOD_GUARD: "0", ...options.vars };
  const args = [
    "dev",
    ...devFlags({ port, inspectorPort, stateDir: options.stateDir ?? join(scratch, "state"), vars }),
    "--log-level",
    "warn",
    "--show-interactive-dev-session=false",
  ];
  const child = spawn(join(BIN_DIR, "wrangler"), args, {
    cwd: REPO_ROOT,
    // Its own process group, so a stuck wrangler can be killed together with its workerd.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: wranglerEnv(join(scratch, "registry")),
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopProcess(child).finally(() => rmSync(scratch, { recursive: true, force: true }));
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${output.join("")}`);
  }
  return { url, stop };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the Worker at ${url} was not healthy within ${READY_TIMEOUT_MS / 1000} s`);
}

/** SIGINT first (wrangler deregisters and stops workerd), the whole group killed if it lingers. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const timedOut = await Promise.race([exited.then(() => false), delay(10_000).then(() => true)]);
  // Whatever is left of the group (a stuck wrangler, an orphaned workerd) goes too.
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
  if (timedOut) await Promise.race([exited, delay(2_000)]);
}

/** A port the OS says is free right now (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A deadline that does not keep the process alive: a script exits as soon as the Worker has stopped. */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Where npm puts the project's binaries (wrangler). */
export const BIN_DIR = join(REPO_ROOT, "node_modules", ".bin");

/** The `wrangler dev` flags of a Worker on 127.0.0.1 with its own port, inspector, state and vars. */
export function devFlags(o: {
  port: number;
  inspectorPort: number;
  stateDir: string;
  vars: Record<string, string>;
}): string[] {
  return [
    "--ip",
    "127.0.0.1",
    "--port",
    String(o.port),
    "--inspector-port",
    String(o.inspectorPort),
    "--persist-to",
    o.stateDir,
    ...Object.entries(o.vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
}

/**
 * The environment of a wrangler child: no telemetry, no network lookups, the project's binaries
 * first, and a registry of its own (a killed wrangler leaves its entry behind for a while).
 */
export function wranglerEnv(registry: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${BIN_DIR}:${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_REGISTRY_PATH: registry,
  };
}
