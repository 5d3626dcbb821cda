import { SERIES, type SeriesMinute } from "../../types";

/** O5: the monitor's time-series charts, as columns uPlot draws. Pure: no React, no DOM. */

export type SeriesRange = "1h" | "24h";
export const RANGE_MINUTES: Record<SeriesRange, number> = { "1h": 60, "24h": SERIES.keepMinutes };
export const RANGE_LABEL: Record<SeriesRange, string> = { "1h": "the last hour", "24h": "the last 24 hours" };

/** One value per minute, oldest first; `null` where nothing was measured (a gap in the line). */
export interface SeriesColumns {
  /** Minute starts, in seconds (uPlot's time unit). */
  x: number[];
  messages: number[];
  replies: number[];
  failures: number[];
  queueDepth: number[];
  oldestPendingS: (number | null)[];
  latencyP50S: (number | null)[];
  latencyP95S: (number | null)[];
  rowsRead: number[];
  rowsWritten: number[];
  kvReads: number[];
  kvWrites: number[];
}

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);

/**
 * Every minute of the range ending with the one `now` is in. A minute the room did not record
 * had no events and nothing waiting (the room samples every minute while work waits), so its
 * counts and queue depth are zero; ages and latencies have no value there.
 */
export function seriesColumns(minutes: readonly SeriesMinute[], range: SeriesRange, now: number): SeriesColumns {
  const span = RANGE_MINUTES[range];
  const last = Math.floor(now / SERIES.minuteMs) * SERIES.minuteMs;
  const first = last - (span - 1) * SERIES.minuteMs;
  const byMinute = new Map(minutes.map((m) => [m.at, m]));
  const cols: SeriesColumns = {
    x: [],
    messages: [],
    replies: [],
    failures: [],
    queueDepth: [],
    oldestPendingS: [],
    latencyP50S: [],
    latencyP95S: [],
    rowsRead: [],
    rowsWritten: [],
    kvReads: [],
    kvWrites: [],
  };
  for (let at = first; at <= last; at += SERIES.minuteMs) {
    const m = byMinute.get(at);
    cols.x.push(at / 1000);
    cols.messages.push(m?.messages ?? 0);
    cols.replies.push(m?.replies ?? 0);
    cols.failures.push(m?.failures ?? 0);
    cols.queueDepth.push(m?.queueDepth ?? 0);
    cols.oldestPendingS.push(seconds(m?.oldestPendingMs));
    cols.latencyP50S.push(seconds(m?.latencyP50Ms));
    cols.latencyP95S.push(seconds(m?.latencyP95Ms));
    cols.rowsRead.push(m?.rowsRead ?? 0);
    cols.rowsWritten.push(m?.rowsWritten ?? 0);
    cols.kvReads.push(m?.kvReads ?? 0);
    cols.kvWrites.push(m?.kvWrites ?? 0);
  }
  return cols;
}

const sum = (values: readonly (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0);
const max = (values: readonly (number | null)[]) =>
  values.reduce<number | null>((a, v) => (v === null ? a : a === null ? v : Math.max(a, v)), null);

/** The figures each chart's caption states (and an empty chart is recognised by). */
export function seriesTotals(c: SeriesColumns) {
  return {
    messages: sum(c.messages),
    replies: sum(c.replies),
    failures: sum(c.failures),
    maxQueueDepth: max(c.queueDepth) ?? 0,
    maxOldestPendingS: max(c.oldestPendingS),
    maxLatencyP95S: max(c.latencyP95S),
    rowsWritten: sum(c.rowsWritten),
    rowsRead: sum(c.rowsRead),
    kvReads: sum(c.kvReads),
    kvWrites: sum(c.kvWrites),
  };
}
