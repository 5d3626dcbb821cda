import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { config } from "./config";
import { clientAddress } from "./context";
import { HttpError } from "./errors";

/**
 * The Worker-level flood guard for anonymous posting: the `POST_FLOOD` Workers Rate Limiting
 * binding, keyed by client IP across all rooms, checked before the body is read and before the
 * Room is called, so a flood is turned away without a Durable Object request. It is coarse (a
 * fixed window, counted per Cloudflare location, approximate) and set well above the in-room
 * bucket, which stays the exact per-room limit with its precise Retry-After; a person meets the
 * bucket first. The bot and admin tokens are exempt, as from the bucket. Without the binding
 * (not configured), or with POST_FLOOD_GUARD=0 (load tests), there is no Worker-level guard. Measured in bench/RESULTS.md (rate-limit);
 * the bench build (workers/bench/index.ts) turns it off per request for that comparison.
 */
export const postFloodGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limiter = c.env.POST_FLOOD;
  if (limiter && c.var.caller === "anonymous" && config(c.env).POST_FLOOD_GUARD) {
    const { success } = await limiter.limit({ key: clientAddress(c) });
    if (!success) {
      const period = config(c.env).POST_FLOOD_PERIOD;
      throw new HttpError(
        "rate_limited",
        `Too many messages from this address across all rooms. Try again in ${period} s.`,
        undefined,
        { "Retry-After": String(period) },
      );
    }
  }
  await next();
};
