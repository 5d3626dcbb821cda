/**
 * A token bucket per client socket: `perSecond` frames sustained, bursts up to `burst`. Kept in
 * memory only: an object that hibernated starts every socket with a full bucket, which can only
 * be more lenient, never close a well-behaved client.
 */
export class FrameLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes one frame's token; false when the client is over its rate. */
  take(key: string, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_TRACKED) this.forgetIdle(now);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** A full bucket carries no information: drop those, so the map stays bounded by busy clients. */
  private forgetIdle(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}

/** Past this many tracked sockets, idle entries are swept. */
const MAX_TRACKED = 10_000;
