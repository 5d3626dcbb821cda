// One `node bot/cli.ts` process for runs outside vitest (the chaos run), with a SIGKILL that
// leaves its leases to expire, the way a crashed machine would.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { BOT_TOKEN, REPO_ROOT } from "./worker-process.ts";

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
  const args = [
    join(REPO_ROOT, "bot", "cli.ts"),
    "--json",
    "--api",
    spec.api,
    "--token",
    BOT_TOKEN,
    "--room",
    spec.room,
    "--worker-id",
    spec.workerId,
    "--concurrency",
    String(spec.concurrency),
    "--lease-seconds",
    String(spec.leaseSeconds),
    "--entities",
    spec.entitiesFile,
    "--llm",
    spec.llm,
    "--no-demo",
    "--poll-wait-seconds",
    "2",
    "--backoff-max-seconds",
    "2",
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(COMMENTS_API_URL|BOT_|LLM_)/.test(key)) delete env[key];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env });
  let jobs = 0;
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.includes('"event":"job"')) jobs++;
  });
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
