import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Waiters } from "./waiters";

describe("Waiters (fake timers)", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a parked caller wakes when its time is up, not before", async () => {
    const waiters = new Waiters();
    let woke = false;
    const parked = waiters.wait(25_000).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(24_999);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await parked;
    expect(woke).toBe(true);
  });

  it("wakeAll releases every parked caller on the next task, and a later wakeAll finds nobody", async () => {
    const waiters = new Waiters();
    const woken: number[] = [];
    const all = [1, 2, 3].map((i) => waiters.wait(25_000).then(() => woken.push(i)));
    waiters.wakeAll();
    // Not within the waker's own task: it finishes (and measures its storage work) first.
    await Promise.resolve();
    expect(woken).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all(all);
    expect(woken.sort()).toEqual([1, 2, 3]);
    expect(vi.getTimerCount()).toBe(0);
    waiters.wakeAll();
  });
});
