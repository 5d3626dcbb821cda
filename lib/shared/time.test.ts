import { describe, expect, it } from "vitest";
import { fileTimestamp, formatUtc, relativeTime, relativeTimeRefreshMs } from "./time";

const now = Date.UTC(2026, 10, 21, 12, 0, 0);

describe("relative times (C1)", () => {
  it("reads now, minutes, hours, days, then a date", () => {
    expect(relativeTime(now - 10_000, now)).toBe("now");
    expect(relativeTime(now + 5_000, now)).toBe("now");
    expect(relativeTime(now - 5 * 60_000, now)).toBe("5m");
    expect(relativeTime(now - 3 * 3_600_000 - 1, now)).toBe("3h");
    expect(relativeTime(now - 2 * 86_400_000, now)).toBe("2d");
    expect(relativeTime(Date.UTC(2026, 10, 3, 12), now)).toBe("Nov 3");
    expect(relativeTime(Date.UTC(2025, 0, 9, 12), now)).toBe("Jan 9 2025");
  });

  it("knows when the label next changes", () => {
    expect(relativeTimeRefreshMs(now - 10_000, now)).toBe(50_000);
    expect(relativeTimeRefreshMs(now - 2 * 3_600_000 - 60_000, now)).toBe(3_540_000);
  });
});

describe("absolute times", () => {
  it("formats UTC and file-safe stamps", () => {
    expect(formatUtc(now + 5_000)).toBe("2026-11-21 12:00:05 UTC");
    expect(fileTimestamp(now + 5_000)).toBe("20261121-120005Z");
  });
});
