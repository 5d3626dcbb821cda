import type { EntityScope } from "../types";
import type { Credentials } from "./credentials/object";
import type { RequestMetrics } from "./metrics";

type Configured =
  | "BOT_TOKEN"
  | "ADMIN_TOKEN"
  | "RATE_LIMIT_PER_MINUTE"
  | "POST_FLOOD"
  | "POST_FLOOD_PERIOD"
  | "POST_FLOOD_GUARD"
  | "MAX_ATTEMPTS"
  | "ALLOWED_ORIGINS"
  | "HOT_MESSAGES"
  | "ARCHIVE_SEGMENT_SIZE"
  | "FRAME_ANCESTORS"
  | "CREDENTIALS";

/**
 * The generated Env types vars as their wrangler.toml literals and secrets as always present;
 * both can be overridden (`--var`, secrets may be missing), so they are plain optional strings here.
 */
export interface Bindings extends Omit<Env, Configured> {
  BOT_TOKEN?: string;
  ADMIN_TOKEN?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  /**
   * The Workers Rate Limiting binding that guards anonymous posting per client IP across all
   * rooms (a coarse flood guard, see workers/flood-guard.ts). Optional: absent, there is none.
   */
  POST_FLOOD?: RateLimit;
  POST_FLOOD_PERIOD?: string;
  POST_FLOOD_GUARD?: string;
  MAX_ATTEMPTS?: string;
  ALLOWED_ORIGINS?: string;
  HOT_MESSAGES?: string;
  ARCHIVE_SEGMENT_SIZE?: string;
  /** Named bot tokens (O7); a singleton object. */
  CREDENTIALS: DurableObjectNamespace<Credentials>;
  /** `frame-ancestors` of the served pages (CSP syntax); default `'none'`. */
  FRAME_ANCESTORS?: string;
}

export type Caller = "admin" | "bot" | "anonymous";

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    metrics: RequestMetrics;
    caller: Caller;
    /** Who is calling, for audit trails: `admin`, `BOT_TOKEN` (the legacy secret), a token's name, or null. */
    callerName: string | null;
    /** The entities the caller may claim and speak as (`*` for admin and the legacy BOT_TOKEN). */
    scope: EntityScope;
    room: string;
  };
}
