/**
 * The room's one time source. Production reads the system clock; a workerd test reaches the
 * instance (runInDurableObject) and moves it forward instead of sleeping through a lease.
 * Helper classes never read the clock themselves: they take `now` from the room.
 */
export class RoomClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }

  /**
   * Stops time (tests): from here on it moves only by advance(), so a check such as "within
   * 100 ms of the last one" cannot depend on how fast a loaded machine answers the requests.
   */
  freeze(): void {
    this.frozenAt ??= Date.now();
  }

  /** Jumps ahead by `ms` (tests). Only forward: the room's seq and lease logic assume time never goes back. */
  advance(ms: number): void {
    if (ms < 0) throw new Error("the room's clock only moves forward");
    this.offsetMs += ms;
  }
}
