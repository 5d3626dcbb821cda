import { describe, expect, it } from "vitest";
import { SERIES } from "../../types";
import {
  LATENCY_SAMPLE_CAP,
  MinuteSeries,
  percentile,
  type QueueGauges,
  type SeriesStore,
  type StorageCounters,
  type StoredMinute,
} from "./series";

const MIN = SERIES.minuteMs;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** An in-memory store that behaves like the SQLite one (upsert by minute, drop before a bound). */
class ArrayStore implements SeriesStore {
  rows: StoredMinute[] = [];
  saves = 0;
  load(since: number) {
    return this.rows.filter((r) => r.at >= since).sort((a, b) => a.at - b.at);
  }
  save(minute: StoredMinute, dropBefore: number) {
    this.saves++;
    this.rows = [...this.rows.filter((r) => r.at !== minute.at && r.at >= dropBefore), { ...minute }];
  }
}

function world(start = T0 + 5_000) {
  const clock = { now: start };
  const storage: StorageCounters = { kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 };
  const gauges: QueueGauges = { queueDepth: 0, oldestPendingMs: null };
  const store = new ArrayStore();
  const make = () =>
    new MinuteSeries(store, {
      now: () => clock.now,
      storage: () => ({ ...storage }),
      gauges: () => ({ ...gauges }),
      random: () => 0.999,
    });
  return { clock, storage, gauges, store, series: make(), make };
}

describe("percentile (nearest rank)", () => {
  it("picks the ranked value and is null for nothing", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.95)).toBe(7);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.95)).toBe(95);
  });
});

describe("MinuteSeries", () => {
  it("a minute with known traffic reads back as those counts, percentiles and storage work", () => {
    const w = world();
    for (let i = 0; i < 4; i++) w.series.message("human");
    w.series.message("AI");
    w.series.message("AI");
    w.clock.now = T0 + 20_000;
    w.series.answered(T0 + 18_000); // 2 s
    w.series.answered(T0 + 12_000); // 8 s
    w.series.failed();
    w.storage.rowsWritten = 30;
    w.storage.kvWrites = 2;
    w.gauges.queueDepth = 3;
    w.gauges.oldestPendingMs = 9_000;

    // Still inside the minute: it reads as open, the gauges as they stand now.
    const live = w.series.read(60, true);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ at: T0, messages: 4, replies: 2, failures: 1, queueDepth: 3, open: true });

    w.clock.now = T0 + MIN + 1;
    w.series.roll();
    expect(w.store.saves).toBe(1);
    const [closed, open] = w.series.read(60, true);
    expect(closed).toEqual({
      at: T0,
      messages: 4,
      replies: 2,
      failures: 1,
      queueDepth: 3,
      oldestPendingMs: 9_000,
      kvReads: 0,
      kvWrites: 2,
      rowsRead: 0,
      rowsWritten: 30,
      latencyP50Ms: 2_000,
      latencyP95Ms: 8_000,
      latencySamples: 2,
    });
    expect(open).toMatchObject({ at: T0 + MIN, messages: 0, open: true, rowsWritten: 0 });
  });

  it("hides reply latency from the public view", () => {
    const w = world();
    w.series.answered(T0);
    const [minute] = w.series.read(60, false);
    expect(minute).not.toHaveProperty("latencyP50Ms");
    expect(minute).not.toHaveProperty("latencySamples");
    expect(w.series.read(60, true)[0]?.latencySamples).toBe(1);
  });

  it("asks for an alarm at the minute's end only when it has something to keep, and every minute while work waits", () => {
    const w = world();
    expect(w.series.dueAt()).toBeNull();
    w.series.message("human");
    expect(w.series.dueAt()).toBe(T0 + MIN);
    w.gauges.queueDepth = 1;
    w.clock.now = T0 + MIN;
    w.series.roll();
    // Nothing happened in the new minute, but a message waits: its age is worth a sample.
    expect(w.series.dueAt()).toBe(T0 + 2 * MIN);
    w.gauges.queueDepth = 0;
    w.clock.now = T0 + 2 * MIN;
    w.series.roll();
    expect(w.series.dueAt()).toBeNull();
  });

  it("writes nothing for a minute in which nothing happened", () => {
    const w = world();
    w.clock.now = T0 + 10 * MIN;
    w.series.roll();
    expect(w.store.saves).toBe(0);
  });

  it("keeps 24 hours: older minutes roll off, in memory and in the store", () => {
    const w = world();
    w.series.message("human");
    w.clock.now = T0 + MIN;
    w.series.message("human");
    w.series.message("human");
    w.clock.now = T0 + 2 * MIN;
    w.series.roll();
    expect(w.series.read(SERIES.keepMinutes, false).map((m) => [m.at, m.messages])).toEqual([
      [T0, 1],
      [T0 + MIN, 2],
      [T0 + 2 * MIN, 0],
    ]);
    // A day after the first minute closed, it is out of the window; the second is the oldest kept.
    w.clock.now = T0 + (SERIES.keepMinutes - 1) * MIN + 5;
    w.series.message("human");
    w.clock.now += MIN;
    w.series.roll();
    const kept = w.series.read(SERIES.keepMinutes, false);
    expect(kept[0]?.at).toBe(T0 + MIN);
    expect(w.store.rows.map((r) => r.at)).toEqual([T0 + MIN, T0 + (SERIES.keepMinutes - 1) * MIN]);
    // And `minutes` bounds what is returned: the last hour holds only the newest closed minute.
    expect(w.series.read(60, false).map((m) => m.at)).toEqual([
      T0 + (SERIES.keepMinutes - 1) * MIN,
      minuteStart(w.clock.now),
    ]);
  });

  it("a new object (after eviction) reads the closed minutes back from the store", () => {
    const w = world();
    w.series.message("human");
    w.clock.now = T0 + MIN + 1;
    w.series.roll();
    const revived = w.make();
    expect(revived.read(60, true)[0]).toMatchObject({ at: T0, messages: 1 });
  });

  it("percentiles stay exact up to the sample cap and use a uniform sample beyond it", () => {
    const w = world();
    w.clock.now = T0 + 50_000;
    for (let i = 0; i < LATENCY_SAMPLE_CAP + 500; i++) w.series.answered(w.clock.now - 1_000);
    const [minute] = w.series.read(1, true);
    expect(minute?.latencySamples).toBe(LATENCY_SAMPLE_CAP + 500);
    expect(minute?.latencyP95Ms).toBe(1_000);
  });
});

function minuteStart(ms: number) {
  return Math.floor(ms / MIN) * MIN;
}
