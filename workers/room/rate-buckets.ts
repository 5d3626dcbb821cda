/** How many client buckets a room keeps in memory; the least recently used go first. */
const MAX_BUCKETS = 10_000;

/**
 * Per-client token buckets for posting, kept by the room that stores the posts: the check costs
 * no extra round trip and no storage. In memory only: a bucket lost to eviction starts full,
 * which errs on the side of letting a person post.
 */
export class RateBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes one token for `key`; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, perMinute: number, now: number): number {
    const capacity = Math.max(1, perMinute);
    const refillPerMs = capacity / 60_000;
    const previous = this.buckets.get(key);
    const tokens = previous ? Math.min(capacity, previous.tokens + (now - previous.at) * refillPerMs) : capacity;
    this.buckets.delete(key); // re-inserted below: Map order doubles as recency
    if (tokens >= 1) {
      this.remember(key, { tokens: tokens - 1, at: now });
      return 0;
    }
    this.remember(key, { tokens, at: now });
    return Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000));
  }

  private remember(key: string, bucket: { tokens: number; at: number }): void {
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_BUCKETS) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
  }
}
