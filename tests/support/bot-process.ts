// Bot processes for the tests and the chaos run: `launchBot` spawns `node bot/cli.ts --json …` the
// way `npm run bot` does; `spawnBot` is the chaos run's bot, with a SIGKILL that leaves its leases
// to expire, the way a crashed machine would.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { BOT_TOKEN, REPO_ROOT } from "./worker-process.ts";

export interface BotLaunch {
  api: string;
  room: string;
  workerId: string;
  /** The bot token; the local default of `.dev.vars` unless given. */
  token?: string;
  entitiesFile?: string;
  llm?: string;
  concurrency?: number;
  leaseSeconds?: number;
  args?: string[];
  /** Extra environment; the bot's own variables from the runner's environment are never inherited. */
  env?: Record<string, string>;
}

/** Starts the bot with stdout and stderr piped; `onLine` gets each whole line of its stdout. */
export function launchBot(options: BotLaunch, onLine: (line: string) => void): ChildProcess {
  const args = [
    join(REPO_ROOT, "bot", "cli.ts"),
    "--json",
    "--api",
    options.api,
    "--token",
    options.token ?? BOT_TOKEN,
    "--room",
    options.room,
    "--worker-id",
    options.workerId,
    "--concurrency",
    String(options.concurrency ?? 1),
    "--lease-seconds",
    String(options.leaseSeconds ?? 30),
    ...(options.entitiesFile ? ["--entities", options.entitiesFile] : []),
    ...(options.llm ? ["--llm", options.llm] : []),
    ...(options.args ?? []),
  ];
  // The bot's own variables in the runner's environment must not leak into a test.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(COMMENTS_API_URL|BOT_|LLM_)/.test(key)) delete env[key];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, ...options.env },
  });
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  return child;
}

export interface BotSpec {
  api: string;
  room: string;
  workerId: string;
  entitiesFile: string;
  llm: string;
  concurrency: number;
  leaseSeconds: number;
}

export interface RunningBot {
  workerId: string;
  /** Completed jobs the bot logged (`event: job`, outcome complete), for the report. */
  readonly jobs: number;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function spawnBot(spec: BotSpec): RunningBot {
  let jobs = 0;
  const child = launchBot(
    { ...spec, args: ["--no-demo", "--poll-wait-seconds", "2", "--backoff-max-seconds", "2"] },
    (line) => {
      if (line.includes('"event":"job"')) jobs++;
    },
  );
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    workerId: spec.workerId,
    get jobs() {
      return jobs;
    },
    async kill() {
      if (gone()) return;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (gone()) return;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
