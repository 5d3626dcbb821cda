import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "./app-env";

/**
 * A token bucket for one client IP: `perMinute` posts, refilled continuously. Kept in memory:
 * an evicted bucket starts full again, which errs on the side of letting a person post.
 */
export class RateLimiter extends DurableObject<Bindings> {
  private tokens = -1;
  private updatedAt = 0;

  /** Takes one token; returns 0 when allowed, else the seconds until one is available. */
  take(perMinute: number): number {
    const now = Date.now();
    const capacity = Math.max(1, perMinute);
    const refillPerMs = capacity / 60_000;
    if (this.tokens < 0) this.tokens = capacity;
    this.tokens = Math.min(capacity, this.tokens + (now - this.updatedAt) * refillPerMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / refillPerMs / 1000);
  }
}
