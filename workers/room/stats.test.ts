import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageInput } from "../../types";
import { RoomClock } from "./clock";
import { Counts } from "./counts";
import { Db } from "./db";
import { Messages } from "./messages";
import { roomStats, StorageTotals } from "./stats";

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

describe("roomStats: queue counts per entity", () => {
  it("counts entities named like what every object inherits as entities, and pollutes nothing", async () => {
    const T0 = 1_700_000_000_000;
    // Names the wire refuses today but a room may hold from before the rule, and names it accepts.
    const entities = ["toString", "hasOwnProperty", "valueOf", "__proto__", "constructor", "sage"];
    const stub = env.ROOM.get(env.ROOM.idFromName(`stats-unit-${Date.now()}`));
    const stats = await runInDurableObject(stub, (_room, state) => {
      const db = new Db(state.storage);
      db.migrate(T0);
      const counts: Counts = new Counts(db, () => messages.head);
      const messages = new Messages(db, counts);
      entities.forEach((entity, i) => {
        const input: MessageInput = { text: "hi", username: "asker", color: "100150200", botParams: { entity } };
        messages.post(input, { now: T0 + i * 1000, domain: "test", newId: () => `m${i}` });
      });
      counts.bump("q:toString:failed", 2);
      counts.bump("q:__proto__:complete", 1);
      return roomStats({
        room: "r",
        db,
        counts: counts.all(),
        headSeq: messages.head,
        bots: [],
        storage: new StorageTotals(() => T0).read({ rowsRead: 0, rowsWritten: 0 }, 0),
        series: { minutes: [], detailed: false },
        now: T0 + 10_000,
      });
    });
    const byEntity = new Map(Object.entries(stats.queue.byEntity));
    expect([...byEntity.keys()].sort()).toEqual([...entities].sort());
    const counted = (pending: number, failed: number, complete: number, age: number) => ({
      pending,
      processing: 0,
      complete,
      failed,
      oldestPendingAgeMs: age,
    });
    expect(byEntity.get("toString")).toEqual(counted(1, 2, 0, 10_000));
    expect(byEntity.get("hasOwnProperty")).toEqual(counted(1, 0, 0, 9_000));
    expect(byEntity.get("__proto__")).toEqual(counted(1, 0, 1, 7_000));
    expect(byEntity.get("constructor")).toEqual(counted(1, 0, 0, 6_000));
    expect(stats.queue).toMatchObject({ pending: 6, failed: 2, complete: 1, oldestPendingAgeMs: 10_000 });
    // The counts are own properties of an ordinary object: JSON carries every one of them.
    expect(Object.keys(JSON.parse(JSON.stringify(stats)).queue.byEntity).sort()).toEqual([...entities].sort());
    const plain: Record<string, unknown> = {};
    expect([plain.pending, Object.getPrototypeOf(plain) === Object.prototype]).toEqual([undefined, true]);
  });
});
