import { SERIES, type SeriesMinute } from "../../types";

const MINUTE = SERIES.minuteMs;

/** Storage work since the object started (monotonic, in memory). */
export interface StorageCounters {
  kvReads: number;
  kvWrites: number;
  rowsRead: number;
  rowsWritten: number;
}

/** The queue as it stands: read when a minute closes, not per event. */
export interface QueueGauges {
  queueDepth: number;
  oldestPendingMs: number | null;
}

/** A closed minute as the store keeps it: every field, latency included. */
export type StoredMinute = Required<Omit<SeriesMinute, "open">>;

/** Where closed minutes live (SQLite in the room; an array in unit tests). */
export interface SeriesStore {
  load(since: number): StoredMinute[];
  /** Upserts one minute and drops every minute before `dropBefore`. */
  save(minute: StoredMinute, dropBefore: number): void;
}

export interface SeriesSources {
  now: () => number;
  storage: () => StorageCounters;
  gauges: () => QueueGauges;
  /** For reservoir sampling of latencies past the cap; injectable so tests are deterministic. */
  random?: () => number;
}

/** Latencies kept per minute for exact percentiles; past this a uniform sample of this size. */
export const LATENCY_SAMPLE_CAP = 2_000;

interface OpenMinute {
  at: number;
  messages: number;
  replies: number;
  failures: number;
  latencies: number[];
  latencySeen: number;
  base: StorageCounters;
}

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

/** Nearest-rank percentile of an ascending list; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

/**
 * The room's per-minute ring. Events of the running minute are counted in memory (no storage
 * work per message, so posting stays as cheap as before); a minute is written as ONE row when
 * it closes, which happens on the room's alarm at the minute boundary or on the next call after
 * it. The ring keeps 24 h: older minutes roll off in the same statement that writes the new one.
 * What this costs: the running minute is lost if the object is evicted before it closes.
 */
export class MinuteSeries {
  private closed: StoredMinute[];
  private current: OpenMinute;
  /** Queue depth at the last close: while work waits, every minute is sampled (its age grows). */
  private lastDepth = 0;

  constructor(
    private readonly store: SeriesStore,
    private readonly src: SeriesSources,
  ) {
    const now = src.now();
    this.closed = store.load(firstKept(now));
    this.current = this.open(now);
  }

  /** Closes the running minute once its end has passed. Call before doing work, so that work counts in the new minute. */
  roll(): void {
    const now = this.src.now();
    if (now < this.current.at + MINUTE) return;
    this.close(now);
    this.current = this.open(now);
  }

  message(type: "human" | "AI"): void {
    this.roll();
    if (type === "AI") this.current.replies++;
    else this.current.messages++;
  }

  /** A reply to an addressed message was stored now; `questionTs` is when the question was. */
  answered(questionTs: number): void {
    this.roll();
    const latency = Math.max(0, this.src.now() - questionTs);
    const m = this.current;
    m.latencySeen++;
    if (m.latencies.length < LATENCY_SAMPLE_CAP) {
      m.latencies.push(latency);
      return;
    }
    const slot = Math.floor((this.src.random ?? Math.random)() * m.latencySeen);
    if (slot < LATENCY_SAMPLE_CAP) m.latencies[slot] = latency;
  }

  failed(): void {
    this.roll();
    this.current.failures++;
  }

  /** When the running minute should be closed by an alarm, or null when it holds nothing to keep. */
  dueAt(): number | null {
    const m = this.current;
    const active = m.messages + m.replies + m.failures > 0;
    return active || this.lastDepth > 0 ? m.at + MINUTE : null;
  }

  /** The last `minutes` minutes, oldest first, the running one last (marked `open`). */
  read(minutes: number, detailed: boolean): SeriesMinute[] {
    if (minutes <= 0) return [];
    this.roll();
    const from = minuteOf(this.src.now()) - (minutes - 1) * MINUTE;
    const out: SeriesMinute[] = this.closed.filter((m) => m.at >= from).map((m) => view(m, detailed));
    out.push({ ...view(this.summarize(this.current, this.src.gauges()), detailed), open: true });
    return out;
  }

  private open(now: number): OpenMinute {
    return {
      at: minuteOf(now),
      messages: 0,
      replies: 0,
      failures: 0,
      latencies: [],
      latencySeen: 0,
      base: this.src.storage(),
    };
  }

  private close(now: number): void {
    // Storage first: the gauge query and the row written below belong to the next minute.
    const minute = this.summarize(this.current, null);
    const gauges = this.src.gauges();
    this.lastDepth = gauges.queueDepth;
    Object.assign(minute, gauges);
    const storageWork = minute.kvReads + minute.kvWrites + minute.rowsRead + minute.rowsWritten;
    const events = minute.messages + minute.replies + minute.failures;
    if (events === 0 && gauges.queueDepth === 0 && storageWork === 0) return;
    const keepFrom = firstKept(now);
    this.store.save(minute, keepFrom);
    this.closed = this.closed.filter((m) => m.at >= keepFrom && m.at !== minute.at);
    this.closed.push(minute);
  }

  private summarize(m: OpenMinute, gauges: QueueGauges | null): StoredMinute {
    const used = this.src.storage();
    const sorted = [...m.latencies].sort((a, b) => a - b);
    return {
      at: m.at,
      messages: m.messages,
      replies: m.replies,
      failures: m.failures,
      queueDepth: gauges?.queueDepth ?? 0,
      oldestPendingMs: gauges?.oldestPendingMs ?? null,
      kvReads: used.kvReads - m.base.kvReads,
      kvWrites: used.kvWrites - m.base.kvWrites,
      rowsRead: used.rowsRead - m.base.rowsRead,
      rowsWritten: used.rowsWritten - m.base.rowsWritten,
      latencyP50Ms: percentile(sorted, 0.5),
      latencyP95Ms: percentile(sorted, 0.95),
      latencySamples: m.latencySeen,
    };
  }
}

/** The oldest minute the 24 h ring still holds at `now`. */
function firstKept(now: number): number {
  return minuteOf(now) - (SERIES.keepMinutes - 1) * MINUTE;
}

function view(m: StoredMinute, detailed: boolean): SeriesMinute {
  if (detailed) return { ...m };
  const { latencyP50Ms: _p50, latencyP95Ms: _p95, latencySamples: _n, ...open } = m;
  return open;
}
