import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import type { RateLimiter } from "./limiter";

/** 429 when this client IP has used its posts for the minute. A self-declared domain never exempts. */
export async function enforcePostLimit(c: Context<AppEnv>): Promise<void> {
  const perMinute = Number(c.env.RATE_LIMIT_PER_MINUTE) || 30;
  const ip = c.req.header("cf-connecting-ip") ?? c.req.header("x-real-ip") ?? "local";
  const ns = c.env.LIMITER as unknown as DurableObjectNamespace<RateLimiter>;
  const retryAfter = await ns.get(ns.idFromName(ip)).take(perMinute);
  if (retryAfter > 0) {
    throw new HttpError(
      429,
      `Too many messages: the limit is ${perMinute} a minute. Try again in ${retryAfter} s.`,
      undefined,
      { "Retry-After": String(retryAfter) },
    );
  }
}
