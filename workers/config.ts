import { z } from "zod";
import type { Bindings } from "./app-env";

/** A var left empty (`--var X:` or `X = ""`) means "the default", like one left out. */
const unset = (v: unknown) => (v === "" ? undefined : v);
const count = (min: number, fallback: number) =>
  z.preprocess(unset, z.coerce.number().int().min(min).default(fallback));

/**
 * The Worker's and the Room's configuration (`--var`, a `[vars]` table in wrangler.toml, the
 * dashboard), read once per isolate into typed options. Every variable is read through here and
 * its default lives here and only here (wrangler.toml sets none; workers/config.test.ts checks);
 * a value that does not parse fails loudly with its name instead of silently becoming a default.
 */
const configSchema = z.object({
  /** Anonymous posts per client address and minute (the bot and admin tokens are exempt). */
  RATE_LIMIT_PER_MINUTE: count(1, 30),
  /**
   * The window, in seconds, of the Worker-level flood guard (the optional `POST_FLOOD` rate-limit
   * binding, per client IP across all rooms): the Retry-After of its 429. It must equal the
   * binding's `simple.period` in wrangler.toml (10 or 60), which the Worker cannot read.
   */
  POST_FLOOD_PERIOD: z.preprocess(unset, z.enum(["10", "60"]).default("60")).transform((v) => Number(v) as 10 | 60),
  /**
   * "0" turns the Worker-level flood guard off although the binding exists: for load tests and
   * local tools that post hundreds of anonymous messages a minute from one address.
   */
  POST_FLOOD_GUARD: z.preprocess(unset, z.enum(["0", "1"]).default("1")).transform((v) => v === "1"),
  /** Attempts before an addressed message becomes `failed`. */
  MAX_ATTEMPTS: count(1, 3),
  /**
   * Messages kept hot in SQLite. Sized from the measurement in docs/ARCHITECTURE.md (355 B of
   * SQLite per hot message with its indexes): a million is about 0.36 GB, under 4 % of a Durable
   * Object's 10 GB, and a week at 100 messages a minute stays where reads are cheapest.
   */
  HOT_MESSAGES: count(1, 1_000_000),
  /** Messages per archived R2 segment. */
  ARCHIVE_SEGMENT_SIZE: count(1, 1000),
  /** Extra CORS origins, comma-separated; the Worker's own origin is always allowed. */
  ALLOWED_ORIGINS: z.preprocess(unset, z.string().default("")).transform((s) =>
    s
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  ),
  /**
   * Who may embed the pages in a frame: a CSP frame-ancestors source list, e.g.
   * `https://partner.example`. A value that is not a source list also means 'none'
   * (workers/page/security.ts), so a typo cannot open the page up.
   */
  FRAME_ANCESTORS: z.preprocess(unset, z.string().default("'none'")),
  /** Secrets (`.dev.vars` locally, `wrangler secret put` deployed): unset or empty, nobody holds them. */
  BOT_TOKEN: z.preprocess(unset, z.string().optional()),
  ADMIN_TOKEN: z.preprocess(unset, z.string().optional()),
});

export type Config = z.infer<typeof configSchema>;

const cache = new WeakMap<object, Config>();

/** The typed configuration of these bindings (parsed on first use, then remembered). */
export function config(env: Partial<Pick<Bindings, keyof Config>>): Config {
  let parsed = cache.get(env);
  if (!parsed) {
    const result = configSchema.safeParse(env);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      throw new Error(`Invalid Worker configuration (wrangler.toml [vars] / --var): ${problems}`);
    }
    parsed = result.data;
    cache.set(env, parsed);
  }
  return parsed;
}
