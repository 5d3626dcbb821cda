import type { StorageUsage } from "./errors";

/** Storage work done for one request, reported in `Server-Timing` (successor of `[KVr:1 KVw:0]`). */
export class RequestMetrics {
  kvReads = 0;
  kvWrites = 0;
  rowsRead = 0;
  rowsWritten = 0;
  /** Calls to the room object this request made (each is a billed Durable Object request). */
  roomCalls = 0;
  private readonly startedAt = Date.now();

  addUsage(usage: StorageUsage): void {
    this.roomCalls += 1;
    this.rowsRead += usage.rowsRead;
    this.rowsWritten += usage.rowsWritten;
    this.kvWrites += usage.kvWrites ?? 0;
  }

  header(): string {
    return [
      `kv_read;desc=${this.kvReads}`,
      `kv_write;desc=${this.kvWrites}`,
      `rows_read;desc=${this.rowsRead}`,
      `rows_written;desc=${this.rowsWritten}`,
      `room_calls;desc=${this.roomCalls}`,
      `total;dur=${Date.now() - this.startedAt}`,
    ].join(", ");
  }
}

/** Parses a Server-Timing header written by {@link RequestMetrics} (tests and benchmarks use it). */
export function parseServerTiming(header: string | null): Record<string, number> {
  // The header's names become keys: no prototype for them to reach.
  const out: Record<string, number> = Object.create(null);
  for (const part of (header ?? "").split(",")) {
    const [name, ...params] = part.trim().split(";");
    for (const p of params) {
      const [k, v] = p.split("=");
      if ((k === "desc" || k === "dur") && name) out[name] = Number(v);
    }
  }
  return out;
}
