/**
 * Long-poll support: callers park here until work may be available or their time is up.
 * Wake-ups are hints; a woken caller re-checks storage, so a missed or extra wake-up is harmless.
 */
export class Waiters {
  private readonly parked = new Set<() => void>();

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.parked.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.parked.add(done);
    });
  }

  /**
   * Wakes every parked caller on the next task, not in this one: the waker finishes (and
   * measures its own storage work for Server-Timing) before a woken long-poll claims anything.
   */
  wakeAll(): void {
    const woken = [...this.parked];
    if (woken.length === 0) return;
    setTimeout(() => {
      for (const wake of woken) wake();
    }, 0);
  }
}
