/**
 * The cost sheet: measured storage work per operation → a month at a given load, per line item,
 * for this design (WebSocket or polling viewers) and for the predecessor's KV design. Pure.
 */
import { SNAPSHOT_BUSY_INTERVAL_MS } from "../../workers/room/snapshot-cadence.ts";
import { PRICES } from "../prices.ts";

export const MINUTES_PER_MONTH = 30 * 24 * 60;
const SECONDS_PER_MONTH = MINUTES_PER_MONTH * 60;

/** The storage work of one request, averaged over what the scenario measured. */
export interface OpCost {
  doRequests: number;
  kvReads: number;
  kvWrites: number;
  rowsRead: number;
  rowsWritten: number;
}

/** What `npm run cost` measured against the local Worker. */
export interface Measured {
  post: OpCost;
  claim: OpCost;
  complete: OpCost;
  /** A cursor poll that found nothing new. */
  emptyPoll: OpCost;
  /** Rows read per message a cursor poll returned (beyond the empty poll). */
  rowsReadPerReturned: number;
  /** The initial window of a polling page (`GET /api/comments`: the KV snapshot merged with the room). */
  window: OpCost;
  /** The initial window of a page that resumes by WebSocket (`cached=1`: from KV alone). */
  windowCached: OpCost;
  /** Rows the room's alarm reads per snapshot it writes (building the snapshot). */
  rowsReadPerSnapshot: number;
  /** Stored bytes per message (text + fields, as JSON) — an estimate of SQLite/KV bytes. */
  bytesPerMessage: number;
}

export interface Load {
  /** Human messages a minute. */
  messagesPerMinute: number;
  viewers: number;
  /** Share of human messages addressed to an entity (each gets one reply). */
  addressedShare: number;
}

export interface Assumptions {
  /** How often the app polls while a person is active (lib/chat/poll-schedule.ts POLL.activeMs). */
  pollSeconds: number;
  /** A viewer reopens the page (window read + connect) this often. */
  sessionMinutes: number;
  /**
   * A socket pings only after this long without any frame from the room (lib/chat/keep-alive.ts);
   * pings are billed as incoming WebSocket messages, 20:1.
   */
  keepAliveIdleSeconds: number;
  /** Rooms with this load (each has its own Durable Object, awake all month while a bot long-polls). */
  rooms: number;
  /** Predecessor: how often viewers polled, the bot polled, the cache's TTL, what a rebuild did. */
  predecessor: {
    pollSeconds: number;
    botPollSeconds: number;
    botVerifyReadsPerPoll: number;
    cacheTtlSeconds: number;
    rebuildGets: number;
    rebuildLists: number;
  };
}

export type Delivery = "websocket" | "polling";

export interface LineItem {
  item: string;
  units: number;
  unit: string;
  dollars: number;
}

export interface Sheet {
  design: string;
  load: Load;
  items: LineItem[];
  perMonth: number;
  messagesPerMonth: number;
  perMillionMessages: number;
}

/**
 * The room's coalesced snapshot writes (workers/room/snapshot-writer.ts): a change within the busy
 * interval of the last write waits for that interval; a later one is written at once (it is past
 * KV's one-write-a-second limit already).
 */
export function snapshotWritesPerSecond(changesPerSecond: number): number {
  if (changesPerSecond <= 0) return 0;
  // After a write at 0 the next change comes at X ~ Exp(λ): the next write is at 5 s if X < 5,
  // else at X. Mean cycle: 5 (1 − e^(−5λ)) + e^(−5λ) (5 + 1/λ) = 5 + e^(−5λ) / λ.
  const busySeconds = SNAPSHOT_BUSY_INTERVAL_MS / 1000;
  return 1 / (busySeconds + Math.exp(-busySeconds * changesPerSecond) / changesPerSecond);
}

function sheet(design: string, load: Load, items: LineItem[]): Sheet {
  const messagesPerMonth = load.messagesPerMinute * (1 + load.addressedShare) * MINUTES_PER_MONTH;
  const perMonth = items.reduce((sum, i) => sum + i.dollars, 0);
  return { design, load, items, perMonth, messagesPerMonth, perMillionMessages: perMonth / (messagesPerMonth / 1e6) };
}

const item = (name: string, units: number, unit: string, price: number): LineItem => ({
  item: name,
  units,
  unit,
  dollars: units * price,
});

/** This project at `load`, with viewers on WebSockets or polling by cursor. */
export function projectSheet(m: Measured, load: Load, a: Assumptions, delivery: Delivery): Sheet {
  const P = PRICES;
  const humans = load.messagesPerMinute * MINUTES_PER_MONTH * a.rooms;
  const replies = humans * load.addressedShare;
  const stored = humans + replies;
  const viewers = load.viewers * a.rooms;
  const pageLoads = viewers * (MINUTES_PER_MONTH / a.sessionMinutes);
  const changesPerSecond = (load.messagesPerMinute * (1 + 2 * load.addressedShare)) / 60;
  const snapshots = snapshotWritesPerSecond(changesPerSecond) * SECONDS_PER_MONTH * a.rooms;
  const seriesRows = MINUTES_PER_MONTH * a.rooms;

  const api = { requests: 0, doRequests: 0, kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 };
  const add = (op: OpCost, times: number) => {
    api.requests += times;
    api.doRequests += op.doRequests * times;
    api.kvReads += op.kvReads * times;
    api.kvWrites += op.kvWrites * times;
    api.rowsRead += op.rowsRead * times;
    api.rowsWritten += op.rowsWritten * times;
  };
  add(m.post, humans);
  add(m.claim, replies);
  add(m.complete, replies);
  add(delivery === "polling" ? m.window : m.windowCached, pageLoads);

  let wsFrames = 0;
  if (delivery === "polling") {
    const polls = viewers * (SECONDS_PER_MONTH / a.pollSeconds);
    add(m.emptyPoll, polls);
    // Every stored message is returned once to each viewer, whatever the poll it lands in.
    api.rowsRead += stored * load.viewers * m.rowsReadPerReturned;
  } else {
    // One upgrade per page load (a Worker request and a DO request, measured); frames out are not billed.
    api.requests += pageLoads;
    api.doRequests += pageLoads;
    // A ping goes out once per silence of keepAliveIdleSeconds. With the room's frames arriving
    // at random (a Poisson stream of rate λ, every viewer seeing every message), gaps longer than
    // T come λ·e^(−λT) times a second: at 100 messages a minute and T = 25 s, never.
    const perSecond = changesPerSecond;
    wsFrames = viewers * SECONDS_PER_MONTH * perSecond * Math.exp(-perSecond * a.keepAliveIdleSeconds);
    // Each broadcast reads nothing more: the room sends the rows it just wrote.
  }
  // A month of history: the newest HOT_MESSAGES stay in SQLite, the rest moves to R2 segments.
  const hot = Math.min(stored, ARCHIVE.hotMessages);
  const archived = stored - hot;
  // The room's alarm: one invocation per snapshot write and per closed series minute.
  const alarms = snapshots + seriesRows;
  const awakeSeconds = SECONDS_PER_MONTH * a.rooms;

  const items = [
    item("Workers requests", api.requests, "requests", P.workers.request),
    item("DO requests (API calls + alarms)", api.doRequests + alarms, "requests", P.durableObjects.request),
    item(
      "DO requests: incoming WebSocket frames (20:1)",
      wsFrames / P.durableObjects.websocketMessagesPerRequest,
      "requests",
      P.durableObjects.request,
    ),
    item(
      "DO duration (awake all month: a bot long-polls)",
      awakeSeconds * P.durableObjects.memoryGb,
      "GB-s",
      P.durableObjects.gbSecond,
    ),
    item("SQLite rows read", api.rowsRead + snapshots * m.rowsReadPerSnapshot, "rows", P.durableObjects.sqliteRowRead),
    item("SQLite rows written", api.rowsWritten + seriesRows * 2, "rows", P.durableObjects.sqliteRowWritten),
    item(
      "SQLite storage (after 1 month: hot window + archived ids)",
      (hot * ARCHIVE.hotBytesPerMessage + archived * ARCHIVE.archivedIdBytes) / 1e9,
      "GB-month",
      P.durableObjects.sqliteGbMonth,
    ),
    item("KV reads (window snapshot)", api.kvReads, "reads", P.kv.read),
    item("KV writes (snapshot: ≤ 1 per 5 s per busy room)", api.kvWrites + snapshots, "writes", P.kv.write),
    item("R2 writes (one segment per 1,000 settled messages)", archived / ARCHIVE.segmentSize, "writes", P.r2.classA),
    item("R2 storage (archived history, gzip)", (archived * ARCHIVE.r2BytesPerMessage) / 1e9, "GB-month", P.r2.gbMonth),
  ];
  return sheet(`this project, ${delivery === "websocket" ? "WebSocket" : "polling"} viewers`, load, items);
}

/**
 * The archive's sizes, measured by `workers/test/storage-size.test.ts` (docs/ARCHITECTURE.md),
 * and its defaults in workers/config.ts (HOT_MESSAGES, ARCHIVE_SEGMENT_SIZE).
 */
const ARCHIVE = {
  hotMessages: 1_000_000,
  segmentSize: 1_000,
  hotBytesPerMessage: 355,
  archivedIdBytes: 20,
  r2BytesPerMessage: 78,
} as const;

/**
 * The predecessor, from its own notes (shared/seeds): every post puts `comment:<ts>:<id>` and
 * read-modify-writes `recent:comments`; a bot reply is such a post plus a PATCH that rewrites
 * the message key and deletes the cache; an empty cache is rebuilt by a list plus a get per key;
 * every viewer reads the cache on every poll; the bot polls its pending list and verifies entries.
 */
export function predecessorSheet(m: Measured, load: Load, a: Assumptions): Sheet {
  const P = PRICES;
  const p = a.predecessor;
  const humans = load.messagesPerMinute * MINUTES_PER_MONTH * a.rooms;
  const replies = humans * load.addressedShare;
  const stored = humans + replies;
  const viewers = load.viewers * a.rooms;
  const polls = viewers * (SECONDS_PER_MONTH / p.pollSeconds);
  const botPolls = (SECONDS_PER_MONTH / p.botPollSeconds) * a.rooms;
  const pageLoads = viewers * (MINUTES_PER_MONTH / a.sessionMinutes);
  // A rebuild after each PATCH's cache delete, and after each TTL expiry while busy.
  const rebuilds = replies + (SECONDS_PER_MONTH / p.cacheTtlSeconds) * a.rooms;

  const requests = stored + replies + polls + botPolls + pageLoads;
  const reads =
    stored + replies + polls + pageLoads + botPolls * (1 + p.botVerifyReadsPerPoll) + rebuilds * p.rebuildGets;
  const writes = stored * 2 + replies + rebuilds;
  const items = [
    item("Workers requests", requests, "requests", P.workers.request),
    item("KV reads (cache per poll, RMW, rebuilds)", reads, "reads", P.kv.read),
    item("KV writes (message key + cache per post)", writes, "writes", P.kv.write),
    item("KV deletes (cache, per PATCH)", replies, "deletes", P.kv.delete),
    item("KV lists (cache rebuilds)", rebuilds * p.rebuildLists, "lists", P.kv.list),
    item("KV storage (after 1 month of history)", (stored * m.bytesPerMessage) / 1e9, "GB-month", P.kv.gbMonth),
  ];
  return sheet("predecessor (KV only, polling)", load, items);
}
