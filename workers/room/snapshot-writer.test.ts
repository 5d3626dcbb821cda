import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SNAPSHOT_BUSY_INTERVAL_MS, SNAPSHOT_MIN_INTERVAL_MS, SnapshotWriter } from "./snapshot-writer";

let n = 0;
const writerFor = () => {
  const key = `writer-test-${++n}`;
  return { key, writer: new SnapshotWriter(env.SNAPSHOTS, () => key) };
};

describe("SnapshotWriter (fake time, the test's KV)", () => {
  it("writes nothing until a change, then at most one write per interval carrying the latest state", async () => {
    const { key, writer } = writerFor();
    const t0 = 10_000_000;
    expect(writer.dueAt()).toBeNull();
    await writer.flush(() => ({ v: 0 }), t0);
    expect(writer.writes).toBe(0);

    writer.markDirty(t0);
    await writer.flush(() => ({ v: 1 }), t0);
    expect(writer.writes).toBe(1);
    expect(await env.SNAPSHOTS.get(key, "json")).toEqual({ v: 1 });

    // Changes right after a write: the room is busy, so they wait for the busy interval, together.
    writer.markDirty(t0 + 10);
    writer.markDirty(t0 + 20);
    expect(writer.dueAt()).toBe(t0 + SNAPSHOT_BUSY_INTERVAL_MS);
    await writer.flush(() => ({ v: 2 }), t0 + SNAPSHOT_BUSY_INTERVAL_MS - 1);
    expect(writer.writes).toBe(1);
    await writer.flush(() => ({ v: 3 }), t0 + SNAPSHOT_BUSY_INTERVAL_MS);
    expect(writer.writes).toBe(2);
    expect(await env.SNAPSHOTS.get(key, "json")).toEqual({ v: 3 });
    expect(writer.dueAt()).toBeNull();
  });

  it("a change after a quiet spell is written within the minimum interval", async () => {
    const { key, writer } = writerFor();
    const t0 = 20_000_000;
    writer.markDirty(t0);
    await writer.flush(() => ({ v: 1 }), t0);
    const quiet = t0 + SNAPSHOT_BUSY_INTERVAL_MS;
    writer.markDirty(quiet);
    // Due at once: the last write was over a second ago, and nothing had changed since.
    expect(writer.dueAt()).toBe(t0 + SNAPSHOT_MIN_INTERVAL_MS);
    await writer.flush(() => ({ v: 2 }), quiet);
    expect(writer.writes).toBe(2);
    expect(await env.SNAPSHOTS.get(key, "json")).toEqual({ v: 2 });
    // One change a little later than a second after that write is not yet a quiet spell.
    writer.markDirty(quiet + SNAPSHOT_MIN_INTERVAL_MS + 1);
    expect(writer.dueAt()).toBe(quiet + SNAPSHOT_BUSY_INTERVAL_MS);
  });

  it("a failed build stays dirty and is retried at the next due time", async () => {
    const { key, writer } = writerFor();
    writer.markDirty(1_000);
    await expect(
      writer.flush(() => {
        throw new Error("boom");
      }, 1_000),
    ).rejects.toThrow("boom");
    expect(writer.writes).toBe(0);
    expect(writer.dueAt()).toBe(1_000 + SNAPSHOT_MIN_INTERVAL_MS);
    await writer.flush(() => ({ ok: true }), 1_000 + SNAPSHOT_MIN_INTERVAL_MS);
    expect(await env.SNAPSHOTS.get(key, "json")).toEqual({ ok: true });
  });
});
