/** KV accepts one write per second per key: never write a room's snapshot more often. */
export const SNAPSHOT_MIN_INTERVAL_MS = 1_000;

/**
 * Coalesces snapshot writes: any number of changes mark the snapshot dirty, and at most one
 * write per interval carries all of them. The Room's alarm performs the write.
 */
export class SnapshotWriter {
  private dirty = false;
  private lastWriteAt = 0;
  writes = 0;

  constructor(
    private readonly kv: KVNamespace,
    private readonly key: () => string,
  ) {}

  markDirty(): void {
    this.dirty = true;
  }

  /** When the next write may happen, or null when nothing is waiting to be written. */
  dueAt(): number | null {
    return this.dirty ? this.lastWriteAt + SNAPSHOT_MIN_INTERVAL_MS : null;
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
      this.dirty = true;
      throw error;
    }
  }
}
