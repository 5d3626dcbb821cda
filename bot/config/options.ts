import { parseArgs } from "node:util";
import { z } from "zod";
import { DEFAULT_ROOM, roomSchema } from "../../types/message.ts";
import { LEASE, workerIdSchema } from "../../types/queue.ts";

/** Everything the bot needs to run, from flags first, then the environment, then defaults. */
export interface BotConfig {
  apiUrl: string;
  token: string;
  /** An OpenAI-compatible base URL (…/v1); null: look for a local server. */
  llmUrl: string | null;
  llmKey: string | null;
  entitiesFile: string;
  concurrency: number;
  room: string;
  workerId: string;
  leaseSeconds: number;
  json: boolean;
  /** Serve the built-in demo responder without looking for an LLM server. */
  demo: boolean;
  /** Never fall back to the demo: with no server answering, wait for --llm (for production bots). */
  noDemo: boolean;
  /** Long-poll of claim-next: the idle loop, so an idle bot costs one request per this many seconds. */
  pollWaitSeconds: number;
  /** Per LLM request; minutes, because a server may load the model before it answers. */
  requestTimeoutMs: number;
  /** Per TCP connect; seconds, so a server that is not there is noticed quickly. */
  connectTimeoutMs: number;
  /** An LLM outage longer than this gives the job back to the queue (no attempt counted). */
  outageReleaseMs: number;
  backoff: { baseMs: number; maxMs: number };
  /** On SIGINT/SIGTERM, jobs in flight get this long to finish before they are released. */
  shutdownGraceMs: number;
  summaryMs: number;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: npm run bot -- [options]        (each option also reads the environment variable shown)

  --api URL              comments API                      COMMENTS_API_URL  (default http://127.0.0.1:8787)
  --token TOKEN          bot token of the API              BOT_TOKEN         (local: dev-bot-token)
  --llm URL              OpenAI-compatible base URL        LLM_BASE_URL      (e.g. http://127.0.0.1:1234/v1)
  --llm-key KEY          API key of the LLM server         LLM_API_KEY
  --entities FILE        entities file                     BOT_ENTITIES      (default bot/entities.json)
  --concurrency N        jobs at once, at most what the LLM server can serve
                                                           BOT_CONCURRENCY   (default 1)
  --room NAME            room to serve                     BOT_ROOM          (default global)
  --worker-id ID         name in leases and logs           BOT_WORKER_ID     (default host-pid)
  --lease-seconds N      lease per job, renewed every third BOT_LEASE_SECONDS (default 30, 5-600)
  --json                 JSON log lines                    BOT_JSON=1
  --demo                 use the built-in demo responder, no LLM
                                                           BOT_DEMO=1
  --no-demo              never answer with the demo: wait for --llm to answer (production)
                                                           BOT_NO_DEMO=1
  --poll-wait-seconds N  long-poll wait when idle          BOT_POLL_WAIT_SECONDS (default 20, 0-25)
  --request-timeout-seconds N   per LLM request            BOT_REQUEST_TIMEOUT_SECONDS (default 300)
  --connect-timeout-seconds N   per LLM connection         BOT_CONNECT_TIMEOUT_SECONDS (default 5)
  --outage-release-seconds N    give jobs back after an LLM outage this long
                                                           BOT_OUTAGE_RELEASE_SECONDS (default 120)
  --backoff-max-seconds N       longest wait between LLM retries
                                                           BOT_BACKOFF_MAX_SECONDS (default 30)
  --shutdown-grace-seconds N    on SIGINT/SIGTERM, time to finish jobs before releasing them
                                                           BOT_SHUTDOWN_GRACE_SECONDS (default 20)
  --summary-seconds N    period of the summary line        BOT_SUMMARY_SECONDS (default 60)
  --help
`;

const FLAGS = {
  api: { type: "string", env: "COMMENTS_API_URL" },
  token: { type: "string", env: "BOT_TOKEN" },
  llm: { type: "string", env: "LLM_BASE_URL" },
  "llm-key": { type: "string", env: "LLM_API_KEY" },
  entities: { type: "string", env: "BOT_ENTITIES" },
  concurrency: { type: "string", env: "BOT_CONCURRENCY" },
  room: { type: "string", env: "BOT_ROOM" },
  "worker-id": { type: "string", env: "BOT_WORKER_ID" },
  "lease-seconds": { type: "string", env: "BOT_LEASE_SECONDS" },
  json: { type: "boolean", env: "BOT_JSON" },
  demo: { type: "boolean", env: "BOT_DEMO" },
  "no-demo": { type: "boolean", env: "BOT_NO_DEMO" },
  "poll-wait-seconds": { type: "string", env: "BOT_POLL_WAIT_SECONDS" },
  "request-timeout-seconds": { type: "string", env: "BOT_REQUEST_TIMEOUT_SECONDS" },
  "connect-timeout-seconds": { type: "string", env: "BOT_CONNECT_TIMEOUT_SECONDS" },
  "outage-release-seconds": { type: "string", env: "BOT_OUTAGE_RELEASE_SECONDS" },
  "backoff-max-seconds": { type: "string", env: "BOT_BACKOFF_MAX_SECONDS" },
  "shutdown-grace-seconds": { type: "string", env: "BOT_SHUTDOWN_GRACE_SECONDS" },
  "summary-seconds": { type: "string", env: "BOT_SUMMARY_SECONDS" },
  help: { type: "boolean", env: null },
} as const;
type Flag = keyof typeof FLAGS;

const url = (what: string) =>
  z.string().refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), `${what} must be an http(s) URL`);
const seconds = (min: number, max: number) => z.coerce.number().min(min).max(max);
const truthy = (v: string | boolean | undefined) =>
  typeof v === "boolean" ? v : v !== undefined && /^(1|true|yes|on)$/i.test(v);

const optionsSchema = z.object({
  api: url("--api").default("http://127.0.0.1:8787"),
  token: z.string({ error: "no API token: pass --token or set BOT_TOKEN (locally: dev-bot-token)" }).min(1),
  llm: url("--llm").optional(),
  "llm-key": z.string().min(1).optional(),
  entities: z.string().min(1).optional(),
  concurrency: z.coerce.number().int().min(1).max(64).default(1),
  room: roomSchema.default(DEFAULT_ROOM),
  "worker-id": workerIdSchema.optional(),
  "lease-seconds": z.coerce.number().int().min(LEASE.minSeconds).max(LEASE.maxSeconds).default(30),
  "poll-wait-seconds": seconds(0, LEASE.maxWaitSeconds).default(20),
  "request-timeout-seconds": seconds(1, 3600).default(300),
  "connect-timeout-seconds": seconds(0.1, 120).default(5),
  "outage-release-seconds": seconds(0, 86_400).default(120),
  "backoff-max-seconds": seconds(0.1, 600).default(30),
  "shutdown-grace-seconds": seconds(0, 3600).default(20),
  "summary-seconds": seconds(1, 86_400).default(60),
});

export interface Defaults {
  entitiesFile: string;
  workerId: string;
}

/** Parses argv and the environment. Returns null when --help was asked for; throws UsageError. */
export function parseOptions(argv: string[], env: Record<string, string | undefined>, defaults: Defaults) {
  let values: Partial<Record<Flag, string | boolean>>;
  try {
    const options = Object.fromEntries(Object.entries(FLAGS).map(([name, f]) => [name, { type: f.type }]));
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;

  const merged: Record<string, string | undefined> = {};
  for (const [name, flag] of Object.entries(FLAGS) as [Flag, (typeof FLAGS)[Flag]][]) {
    if (flag.type !== "string") continue;
    const fromFlag = values[name];
    const fromEnv = flag.env ? env[flag.env] : undefined;
    merged[name] = typeof fromFlag === "string" ? fromFlag : fromEnv === "" ? undefined : fromEnv;
  }
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`);
    throw new UsageError(problems.join("\n"));
  }
  const o = parsed.data;
  const noDemo = truthy(values["no-demo"]) || truthy(env.BOT_NO_DEMO);
  if (noDemo && !o.llm)
    throw new UsageError("--no-demo needs the LLM server to wait for: pass --llm or set LLM_BASE_URL");
  if (noDemo && (truthy(values.demo) || truthy(env.BOT_DEMO)))
    throw new UsageError("--demo and --no-demo contradict each other");
  const config: BotConfig = {
    apiUrl: o.api.replace(/\/+$/, ""),
    token: o.token,
    llmUrl: o.llm ? o.llm.replace(/\/+$/, "") : null,
    llmKey: o["llm-key"] ?? null,
    entitiesFile: o.entities ?? defaults.entitiesFile,
    concurrency: o.concurrency,
    room: o.room,
    workerId: o["worker-id"] ?? defaults.workerId,
    leaseSeconds: o["lease-seconds"],
    json: truthy(values.json) || truthy(env.BOT_JSON),
    demo: truthy(values.demo) || truthy(env.BOT_DEMO),
    noDemo,
    pollWaitSeconds: o["poll-wait-seconds"],
    requestTimeoutMs: o["request-timeout-seconds"] * 1000,
    connectTimeoutMs: o["connect-timeout-seconds"] * 1000,
    outageReleaseMs: o["outage-release-seconds"] * 1000,
    backoff: { baseMs: 500, maxMs: o["backoff-max-seconds"] * 1000 },
    shutdownGraceMs: o["shutdown-grace-seconds"] * 1000,
    summaryMs: o["summary-seconds"] * 1000,
  };
  return config;
}
