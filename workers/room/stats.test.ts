import { describe, expect, it } from "vitest";
import { RoomClock } from "./clock";
import { StorageTotals } from "./stats";

describe("StorageTotals (fake time)", () => {
  it("reports totals at once and a per-minute rate once a minute has passed", () => {
    let now = 1_000_000;
    const totals = new StorageTotals(() => now);
    totals.kvReads = 6;
    const first = totals.read({ rowsRead: 10, rowsWritten: 4 }, 2);
    expect(first.storage).toEqual({
      kvReads: 6,
      kvWrites: 2,
      rowsRead: 10,
      rowsWritten: 4,
      snapshotWrites: 2,
      since: 1_000_000,
    });
    expect(first.storagePerMinute).toEqual({ kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 });
    now += 120_000;
    totals.kvReads = 12;
    const later = totals.read({ rowsRead: 50, rowsWritten: 8 }, 6);
    // Two minutes from a zero base: half of each total per minute.
    expect(later.storagePerMinute).toEqual({ kvReads: 6, kvWrites: 3, rowsRead: 25, rowsWritten: 4 });
  });
});

describe("RoomClock", () => {
  it("follows the system clock and only moves forward", () => {
    const clock = new RoomClock();
    const before = Date.now();
    clock.advance(60_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 60_000);
    expect(() => clock.advance(-1)).toThrow(/only moves forward/);
  });
});
