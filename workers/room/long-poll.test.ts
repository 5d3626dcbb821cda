import { describe, expect, it } from "vitest";
import type { RoomResult } from "../errors";
import { longPoll } from "./long-poll";

/** A fake clock whose `wait` jumps time forward by what was asked, or stops early when `wakeAt` says so. */
function fakeTime(start: number) {
  let now = start;
  const waits: number[] = [];
  return {
    deps: {
      now: () => now,
      wait: async (ms: number) => {
        waits.push(ms);
        now += Math.min(ms, 1_000);
      },
    },
    waits,
  };
}

const pass = (value: number[], rowsRead = 2): RoomResult<number[]> => ({
  ok: true,
  value,
  usage: { rowsRead, rowsWritten: 0, kvWrites: 0 },
});

describe("longPoll (fake time)", () => {
  it("re-checks after each wake-up until something is there, and reports the rows of every pass", async () => {
    const { deps, waits } = fakeTime(0);
    const answers = [[], [], [7]];
    const result = await longPoll(
      deps,
      25_000,
      () => pass(answers.shift() ?? []),
      (v) => v.length > 0,
    );
    expect(result.ok && result.value).toEqual([7]);
    expect(result.usage.rowsRead).toBe(6);
    expect(waits).toEqual([25_000, 24_000]);
  });

  it("answers empty at the deadline, with the work of all passes", async () => {
    const { deps } = fakeTime(0);
    let passes = 0;
    const result = await longPoll(
      deps,
      3_000,
      () => {
        passes++;
        return pass([], 1);
      },
      (v) => v.length > 0,
    );
    expect(result.ok && result.value).toEqual([]);
    expect(passes).toBe(4);
    expect(result.usage.rowsRead).toBe(4);
  });

  it("a failure ends the poll at once", async () => {
    const { deps, waits } = fakeTime(0);
    const failed: RoomResult<number[]> = {
      ok: false,
      code: "unavailable",
      error: "down",
      usage: { rowsRead: 1, rowsWritten: 0 },
    };
    const result = await longPoll(
      deps,
      25_000,
      () => failed,
      () => true,
    );
    expect(result.ok).toBe(false);
    expect(waits).toEqual([]);
  });
});
