import { SNAPSHOT_BUSY_INTERVAL_MS, SNAPSHOT_MIN_INTERVAL_MS } from "./snapshot-cadence";

export { SNAPSHOT_BUSY_INTERVAL_MS, SNAPSHOT_MIN_INTERVAL_MS };

/**
 * Coalesces snapshot writes: any number of changes mark the snapshot dirty, and at most one
 * write per interval carries all of them. The Room's alarm performs the write.
 */
export class SnapshotWriter {
  private dirty = false;
  private lastWriteAt = 0;
  /** How long after the last write the pending one waits (chosen by the first change after it). */
  private interval = SNAPSHOT_MIN_INTERVAL_MS;
  writes = 0;

  constructor(
    private readonly kv: KVNamespace,
    private readonly key: () => string,
  ) {}

  /**
   * A change in a quiet room is written within a second; a change that comes soon after the last
   * write means the room is busy, and the next write waits for the busy interval.
   */
  markDirty(now: number): void {
    if (this.dirty) return;
    this.dirty = true;
    const busy = this.lastWriteAt > 0 && now - this.lastWriteAt < SNAPSHOT_BUSY_INTERVAL_MS;
    this.interval = busy ? SNAPSHOT_BUSY_INTERVAL_MS : SNAPSHOT_MIN_INTERVAL_MS;
  }

  /** When the next write may happen, or null when nothing is waiting to be written. */
  dueAt(): number | null {
    return this.dirty ? this.lastWriteAt + this.interval : null;
  }

  /** Writes the snapshot if one is due. A failed write stays dirty and is retried. */
  async flush(build: () => unknown | Promise<unknown>, now: number): Promise<void> {
    const due = this.dueAt();
    if (due === null || due > now) return;
    this.dirty = false;
    this.lastWriteAt = now;
    try {
      await this.kv.put(this.key(), JSON.stringify(await build()));
      this.writes++;
    } catch (error) {
      // Retried as soon as KV allows: what failed was the write, not a busy room's next one.
      this.dirty = true;
      this.interval = SNAPSHOT_MIN_INTERVAL_MS;
      throw error;
    }
  }
}
