/**
 * Cloudflare's published prices, Workers Paid plan, in US dollars: the one place `npm run cost`
 * reads them from. Checked 2026-12-01 against these pages (re-check them before relying on a
 * figure; prices change):
 *   https://developers.cloudflare.com/workers/platform/pricing/
 *   https://developers.cloudflare.com/durable-objects/platform/pricing/
 *   https://developers.cloudflare.com/kv/platform/pricing/
 *   https://developers.cloudflare.com/r2/pricing/
 *
 * The sheet prices usage gross, as if nothing were included, so two designs compare per unit of
 * work; the monthly inclusions (shared by everything on the account) are listed apart.
 */
export const PRICES_CHECKED = "2026-12-01";

export const PRICE_PAGES = [
  "https://developers.cloudflare.com/workers/platform/pricing/",
  "https://developers.cloudflare.com/durable-objects/platform/pricing/",
  "https://developers.cloudflare.com/kv/platform/pricing/",
  "https://developers.cloudflare.com/r2/pricing/",
] as const;

const PER_MILLION = 1 / 1_000_000;

export const PRICES = {
  /** Workers Paid subscription, per month. */
  planPerMonth: 5,
  workers: {
    request: 0.3 * PER_MILLION,
    cpuMs: 0.02 * PER_MILLION,
  },
  durableObjects: {
    /** HTTP requests, RPC sessions, alarm invocations; incoming WebSocket messages count 20:1. */
    request: 0.15 * PER_MILLION,
    websocketMessagesPerRequest: 20,
    /** Wall-clock while active and not eligible for hibernation, at 128 MB. */
    gbSecond: 12.5 * PER_MILLION,
    memoryGb: 0.128,
    sqliteRowRead: 0.001 * PER_MILLION,
    sqliteRowWritten: 1.0 * PER_MILLION,
    sqliteGbMonth: 0.2,
  },
  kv: {
    read: 0.5 * PER_MILLION,
    /** Writes, deletes and lists share one price. */
    write: 5.0 * PER_MILLION,
    delete: 5.0 * PER_MILLION,
    list: 5.0 * PER_MILLION,
    gbMonth: 0.5,
  },
  r2: {
    classA: 4.5 * PER_MILLION,
    classB: 0.36 * PER_MILLION,
    gbMonth: 0.015,
  },
} as const;

/** What the plan includes each month (not subtracted on the sheet; shown for reference). */
export const INCLUDED_PER_MONTH = {
  workersRequests: 10_000_000,
  workersCpuMs: 30_000_000,
  doRequests: 1_000_000,
  doGbSeconds: 400_000,
  sqliteRowsRead: 25_000_000_000,
  sqliteRowsWritten: 50_000_000,
  sqliteGb: 5,
  kvReads: 10_000_000,
  kvWrites: 1_000_000,
  kvLists: 1_000_000,
  kvGb: 1,
} as const;
