/**
 * Rows a socket's catch-ups (`resume`, and the cursor it connected with) may re-read: a token
 * bucket per subscription of `burst` rows, refilled at `perMinute`. A client whose cursor moves
 * forward re-reads each message once, so after a reconnect it spends only the gap it missed; a
 * client resuming from 0 again and again spends the whole window each time and runs dry. Kept in
 * memory like the frame limiter: an object that hibernated starts every socket full, which can
 * only be more lenient. Time is what the caller passes (the room's clock).
 */
export class ResumeBudget {
  private readonly buckets = new Map<string, { rows: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perMinute: number,
  ) {}

  /** Rows this subscription may still read now (may be below 1: it must wait). */
  available(key: string, now: number): number {
    const bucket = this.refilled(key, now);
    return bucket.rows;
  }

  /** Charges rows actually read; a page read past the budget leaves it below zero, to be waited out. */
  spend(key: string, rows: number, now: number): void {
    const bucket = this.refilled(key, now);
    bucket.rows -= rows;
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_TRACKED) this.forgetFull(now);
  }

  private refilled(key: string, now: number): { rows: number; at: number } {
    const bucket = this.buckets.get(key) ?? { rows: this.burst, at: now };
    bucket.rows = Math.min(this.burst, bucket.rows + (Math.max(0, now - bucket.at) / 60_000) * this.perMinute);
    bucket.at = now;
    return bucket;
  }

  /** A full bucket carries no information: drop those, so the map stays bounded by busy sockets. */
  private forgetFull(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.rows + ((now - b.at) / 60_000) * this.perMinute >= this.burst) this.buckets.delete(key);
    }
  }
}

/** Past this many tracked sockets, full entries are swept. */
const MAX_TRACKED = 10_000;
