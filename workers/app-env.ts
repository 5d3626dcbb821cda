import type { RequestMetrics } from "./metrics";

type Configured =
  | "BOT_TOKEN"
  | "ADMIN_TOKEN"
  | "RATE_LIMIT_PER_MINUTE"
  | "MAX_ATTEMPTS"
  | "ALLOWED_ORIGINS"
  | "BENCH_ROUTES"
  | "HOT_MESSAGES"
  | "ARCHIVE_SEGMENT_SIZE";

/**
 * The generated Env types vars as their wrangler.toml literals and secrets as always present;
 * both can be overridden (`--var`, secrets may be missing), so they are plain optional strings here.
 */
export interface Bindings extends Omit<Env, Configured> {
  BOT_TOKEN?: string;
  ADMIN_TOKEN?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  MAX_ATTEMPTS?: string;
  ALLOWED_ORIGINS?: string;
  BENCH_ROUTES?: string;
  HOT_MESSAGES?: string;
  ARCHIVE_SEGMENT_SIZE?: string;
}

export type Caller = "admin" | "bot" | "anonymous";

export interface AppEnv {
  Bindings: Bindings;
  Variables: { metrics: RequestMetrics; caller: Caller; room: string };
}
