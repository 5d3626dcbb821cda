import { describe, expect, it } from "vitest";
import { POLL, pollInterval, pollMode } from "./poll-schedule";

describe("poll schedule", () => {
  it("polls about every second while the person is active", () => {
    expect(pollInterval(0, false)).toBe(1_000);
    expect(pollInterval(POLL.activeWindowMs - 1, false)).toBe(1_000);
    expect(pollMode(5_000, false)).toBe("active");
  });

  it("backs off while idle, up to 30 s", () => {
    const intervals = [30_000, 60_000, 120_000, 300_000, 3_600_000].map((idle) => pollInterval(idle, false));
    expect(intervals).toEqual([2_000, 4_000, 8_000, 20_000, 30_000]);
  });

  it("polls slowest while the tab is hidden", () => {
    expect(pollInterval(0, true)).toBe(POLL.hiddenMs);
    expect(pollMode(0, true)).toBe("hidden");
  });
});
