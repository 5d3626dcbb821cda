import type { RequestMetrics } from "./metrics";

/** Secrets are not in wrangler.toml, so the generated Env does not list them. */
export interface Bindings extends Env {
  BOT_TOKEN?: string;
  ADMIN_TOKEN?: string;
}

export type Caller = "admin" | "bot" | "anonymous";

export interface AppEnv {
  Bindings: Bindings;
  Variables: { metrics: RequestMetrics; caller: Caller; room: string };
}
