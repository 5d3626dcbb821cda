import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SNAPSHOT_MIN_INTERVAL_MS, SnapshotWriter } from "./snapshot-writer";

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

    writer.markDirty();
    await writer.flush(() => ({ v: 1 }), t0);
    expect(writer.writes).toBe(1);
    expect(await env.SNAPSHOTS.get(key, "json")).toEqual({ v: 1 });

    writer.markDirty();
    writer.markDirty();
    expect(writer.dueAt()).toBe(t0 + SNAPSHOT_MIN_INTERVAL_MS);
    await writer.flush(() => ({ v: 2 }), t0 + SNAPSHOT_MIN_INTERVAL_MS - 1);
    expect(writer.writes).toBe(1);
    await writer.flush(() => ({ v: 3 }), t0 + SNAPSHOT_MIN_INTERVAL_MS);
    expect(writer.writes).toBe(2);
    expect(await env.SNAPSHOTS.get(key, "json")).toEqual({ v: 3 });
    expect(writer.dueAt()).toBeNull();
  });

  it("a failed build stays dirty and is retried at the next due time", async () => {
    const { key, writer } = writerFor();
    writer.markDirty();
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
