import { describe, expect, it } from "vitest";
import type { SeriesMinute } from "../../types";
import { seriesColumns, seriesTotals } from "./series";

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 1, 12, 30, 20);
const THIS_MINUTE = Math.floor(NOW / MIN) * MIN;

const minute = (at: number, over: Partial<SeriesMinute> = {}): SeriesMinute => ({
  at,
  messages: 0,
  replies: 0,
  failures: 0,
  queueDepth: 0,
  oldestPendingMs: null,
  kvReads: 0,
  kvWrites: 0,
  rowsRead: 0,
  rowsWritten: 0,
  ...over,
});

describe("seriesColumns", () => {
  it("has one point per minute of the range, ending with the running minute", () => {
    const hour = seriesColumns([], "1h", NOW);
    expect(hour.x).toHaveLength(60);
    expect(hour.x.at(-1)).toBe(THIS_MINUTE / 1000);
    expect(hour.x[1]! - hour.x[0]!).toBe(60);
    expect(seriesColumns([], "24h", NOW).x).toHaveLength(1440);
  });

  it("places recorded minutes; unrecorded ones are zero counts and gaps for ages and latency", () => {
    const cols = seriesColumns(
      [
        minute(THIS_MINUTE - 2 * MIN, { messages: 4, replies: 1, queueDepth: 2, oldestPendingMs: 9_000 }),
        minute(THIS_MINUTE, { messages: 1, latencyP50Ms: 1_500, latencyP95Ms: 4_000, open: true }),
        minute(THIS_MINUTE - 90 * MIN, { messages: 99 }), // outside the hour
      ],
      "1h",
      NOW,
    );
    expect(cols.messages.slice(-3)).toEqual([4, 0, 1]);
    expect(cols.queueDepth.slice(-3)).toEqual([2, 0, 0]);
    expect(cols.oldestPendingS.slice(-3)).toEqual([9, null, null]);
    expect(cols.latencyP95S.slice(-3)).toEqual([null, null, 4]);
    const totals = seriesTotals(cols);
    expect([totals.messages, totals.replies, totals.maxQueueDepth, totals.maxLatencyP95S]).toEqual([5, 1, 2, 4]);
  });

  it("totals of an empty range are zero with no maxima", () => {
    const totals = seriesTotals(seriesColumns([], "1h", NOW));
    expect(totals).toMatchObject({ messages: 0, maxQueueDepth: 0, maxOldestPendingS: null, maxLatencyP95S: null });
  });
});
