/**
 * The room's one time source. Production reads the system clock; a workerd test reaches the
 * instance (runInDurableObject) and moves it forward instead of sleeping through a lease.
 * Helper classes never read the clock themselves: they take `now` from the room.
 */
export class RoomClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Jumps ahead by `ms` (tests). Only forward: the room's seq and lease logic assume time never goes back. */
  advance(ms: number): void {
    if (ms < 0) throw new Error("the room's clock only moves forward");
    this.offsetMs += ms;
  }
}
