// `npm run cost`: runs a bounded scenario against the local Worker, reads the storage work of every
// request (Server-Timing) and of the rooms' alarms (/api/stats), and prices a month at three loads
// beside the predecessor's KV design. Prints the sheet and rewrites its section of docs/COST.md.
import { join } from "node:path";
import { KEEP_ALIVE } from "../lib/chat/keep-alive.ts";
import { clientAddressFor, webSocketAs } from "../tests/support/client-address.ts";
import { sleep } from "../tests/support/waiting.ts";
import type { Message, Stats } from "../types/index.ts";
import { parseServerTiming } from "../workers/metrics.ts";
import {
  type Assumptions,
  type Load,
  type Measured,
  type OpCost,
  predecessorSheet,
  projectSheet,
} from "./lib/cost-model.ts";
import { renderCostSection } from "./lib/cost-report.ts";
import { HttpClient, type HttpResponse } from "./lib/http-client.ts";
import { writeSection } from "./lib/results-file.ts";
import { localToken, REPO_ROOT } from "./lib/setup.ts";
import { startWorker } from "./lib/worker-process.ts";

/** The scenario, scaled down to run in about a minute on two cores. */
export const SCENARIO = {
  rooms: 2,
  seconds: 45,
  messagesPerSecondPerRoom: 2,
  pollingViewersPerRoom: 8,
  websocketViewersPerRoom: 8,
  addressedShare: 0.25,
  replyChars: 400,
  pollSeconds: 1,
  entity: "cost-entity",
} as const;

export const LOADS: Load[] = [
  { messagesPerMinute: 100, viewers: 50, addressedShare: 0.2 },
  { messagesPerMinute: 1_000, viewers: 100, addressedShare: 0.2 },
  { messagesPerMinute: 1_000, viewers: 1_000, addressedShare: 0.2 },
];

export const ASSUMPTIONS: Assumptions = {
  pollSeconds: 1,
  sessionMinutes: 60,
  keepAliveIdleSeconds: KEEP_ALIVE.idleMs / 1000,
  rooms: 1,
  predecessor: {
    pollSeconds: 1,
    botPollSeconds: 3,
    botVerifyReadsPerPoll: 14,
    cacheTtlSeconds: 10,
    rebuildGets: 100,
    rebuildLists: 1,
  },
};

/** Sums of Server-Timing figures per kind of request. */
class Tally {
  private readonly kinds = new Map<string, { n: number; sum: OpCost; returned: number }>();

  add(kind: string, res: HttpResponse, returned = 0): void {
    const t = parseServerTiming(String(res.headers["server-timing"] ?? ""));
    const k = this.kinds.get(kind) ?? {
      n: 0,
      returned: 0,
      sum: { doRequests: 0, kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 },
    };
    k.n++;
    k.returned += returned;
    // Calls into a room, as the Worker reports them (0 for a window served from KV alone).
    k.sum.doRequests += t.room_calls ?? 1;
    k.sum.kvReads += t.kv_read ?? 0;
    k.sum.kvWrites += t.kv_write ?? 0;
    k.sum.rowsRead += t.rows_read ?? 0;
    k.sum.rowsWritten += t.rows_written ?? 0;
    this.kinds.set(kind, k);
  }

  count(kind: string): number {
    return this.kinds.get(kind)?.n ?? 0;
  }

  returned(kind: string): number {
    return this.kinds.get(kind)?.returned ?? 0;
  }

  mean(kind: string): OpCost {
    const k = this.kinds.get(kind);
    if (!k || k.n === 0) throw new Error(`the scenario made no "${kind}" request`);
    const d = (x: number) => x / k.n;
    return {
      doRequests: d(k.sum.doRequests),
      kvReads: d(k.sum.kvReads),
      kvWrites: d(k.sum.kvWrites),
      rowsRead: d(k.sum.rowsRead),
      rowsWritten: d(k.sum.rowsWritten),
    };
  }

  sum(kind: string): OpCost & { n: number } {
    const k = this.kinds.get(kind);
    return { n: k?.n ?? 0, ...(k?.sum ?? { doRequests: 0, kvReads: 0, kvWrites: 0, rowsRead: 0, rowsWritten: 0 }) };
  }
}

/** What the WebSocket viewers of one room received. */
interface LiveTally {
  connects: number;
  frames: number;
  /** Per viewer: the cursor it resumed from and the seqs it received. */
  viewers: { from: number; seqs: Set<number> }[];
}

async function runRoom(
  http: HttpClient,
  room: string,
  bot: string,
  tally: Tally,
  until: number,
  bytes: number[],
  live: LiveTally,
) {
  const q = `room=${room}`;
  let serial = 0;
  const poster = async () => {
    const gap = 1000 / SCENARIO.messagesPerSecondPerRoom;
    for (let next = Date.now(); Date.now() < until; next += gap) {
      serial++;
      const addressed = serial % Math.round(1 / SCENARIO.addressedShare) === 0;
      const body = {
        id: `${room}-m${serial}`,
        text: `message ${serial}: how is everybody doing this fine evening?`,
        username: `poster${serial % 7}`,
        color: "200100050",
        domain: "cost.local",
        "message-type": "human",
        ...(addressed ? { botParams: { entity: SCENARIO.entity } } : {}),
      };
      const res = await http.send("POST", `/api/comments?${q}`, { body });
      tally.add("post", res);
      bytes.push(res.body.length);
      await sleep(Math.max(0, next + gap - Date.now()));
    }
  };
  const answerer = async () => {
    const reply = "x".repeat(SCENARIO.replyChars);
    while (Date.now() < until) {
      const claimed = await http.send("POST", `/api/queue/claim-next?${q}`, {
        body: { workerId: `cost-bot-${room}`, entities: [SCENARIO.entity], wait: 2 },
        token: bot,
        expect: [200, 204],
      });
      if (claimed.status === 204) continue;
      tally.add("claim", claimed);
      const { message, lease } = JSON.parse(claimed.body) as { message: Message; lease: { token: string } };
      const done = await http.send("POST", `/api/queue/complete?${q}`, {
        body: { messageId: message.id, leaseToken: lease.token, reply: { text: reply, username: "Entity" } },
        token: bot,
      });
      tally.add("complete", done);
      bytes.push(JSON.stringify(JSON.parse(done.body).reply ?? {}).length);
    }
  };
  const viewer = async (index: number) => {
    await sleep(index * 97);
    const first = await http.send("GET", `/api/comments?${q}`);
    tally.add("window", first);
    let cursor = (JSON.parse(first.body) as { cursor: number }).cursor;
    while (Date.now() < until) {
      await sleep(SCENARIO.pollSeconds * 1000);
      const res = await http.send("GET", `/api/comments?${q}&cursor=${cursor}`);
      const page = JSON.parse(res.body) as { comments: Message[]; cursor: number };
      tally.add(page.comments.length === 0 ? "emptyPoll" : "poll", res, page.comments.length);
      cursor = page.cursor;
    }
  };
  const socketViewer = async (index: number) => {
    await sleep(index * 89);
    // As the app does when it will resume: the window from KV alone, then the socket from its cursor.
    const first = await http.send("GET", `/api/comments?${q}&cached=1`);
    tally.add("windowCached", first);
    const from = (JSON.parse(first.body) as { cursor: number }).cursor;
    const mine = { from, seqs: new Set<number>() };
    live.viewers.push(mine);
    // Each viewer a client of its own, as real pages are (the room caps sockets per address).
    const url = `${http.origin.replace(/^http/, "ws")}/api/live?${q}&cursor=${from}`;
    const ws = webSocketAs(url, clientAddressFor(`cost-viewer-${room}-${index}`));
    live.connects++;
    ws.addEventListener("message", (event) => {
      live.frames++;
      const frame = JSON.parse(String(event.data)) as { type: string; messages?: Message[] };
      if (frame.type === "messages") for (const m of frame.messages ?? []) mine.seqs.add(m.seq);
    });
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error(`WebSocket to ${room} failed`)), { once: true });
    });
    // Stay a little past the posters, so the last broadcasts arrive before counting.
    await sleep(Math.max(0, until - Date.now()) + 1_500);
    ws.close(1000, "scenario over");
  };
  await Promise.all([
    poster(),
    answerer(),
    ...Array.from({ length: SCENARIO.pollingViewersPerRoom }, (_, i) => viewer(i)),
    ...Array.from({ length: SCENARIO.websocketViewersPerRoom }, (_, i) => socketViewer(i)),
  ]);
}

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: "100000000", POST_FLOOD_GUARD: "0" });
console.log(`Worker up at ${worker.origin}; running the scenario for ${SCENARIO.seconds} s …`);
const http = new HttpClient(worker.origin, 64);
const tally = new Tally();
const bytes: number[] = [];
const rooms = Array.from({ length: SCENARIO.rooms }, (_, i) => `cost-${Date.now().toString(36)}-${i}`);
const lives = rooms.map((): LiveTally => ({ connects: 0, frames: 0, viewers: [] }));
let stats: Stats[];
try {
  const bot = localToken("BOT_TOKEN");
  const until = Date.now() + SCENARIO.seconds * 1000;
  await Promise.all(rooms.map((room, i) => runRoom(http, room, bot, tally, until, bytes, lives[i]!)));
  const admin = localToken("ADMIN_TOKEN");
  stats = await Promise.all(
    rooms.map((room) => http.json<Stats>("GET", `/api/stats?room=${room}&minutes=5`, { token: admin })),
  );
} finally {
  http.close();
  await worker.stop();
}

// The alarm's work is not in any response: it is the rooms' totals less what the responses carried.
const requestKinds = ["post", "claim", "complete", "window", "windowCached", "emptyPoll", "poll"];
const carried = requestKinds
  .map((k) => tally.sum(k))
  .reduce((a, b) => ({
    n: a.n + b.n,
    doRequests: 0,
    kvReads: a.kvReads + b.kvReads,
    kvWrites: a.kvWrites + b.kvWrites,
    rowsRead: a.rowsRead + b.rowsRead,
    rowsWritten: a.rowsWritten + b.rowsWritten,
  }));
const totals = stats.reduce(
  (a, s) => ({
    rowsRead: a.rowsRead + s.storage.rowsRead,
    rowsWritten: a.rowsWritten + s.storage.rowsWritten,
    snapshotWrites: a.snapshotWrites + s.storage.snapshotWrites,
  }),
  { rowsRead: 0, rowsWritten: 0, snapshotWrites: 0 },
);
const alarmRowsRead = Math.max(0, totals.rowsRead - carried.rowsRead);
const polls = tally.sum("poll");
const empty = tally.mean("emptyPoll");
const measured: Measured = {
  post: tally.mean("post"),
  claim: tally.mean("claim"),
  complete: tally.mean("complete"),
  emptyPoll: empty,
  rowsReadPerReturned: polls.n ? (polls.rowsRead - polls.n * empty.rowsRead) / tally.returned("poll") : 1,
  window: tally.mean("window"),
  windowCached: tally.mean("windowCached"),
  rowsReadPerSnapshot: totals.snapshotWrites ? alarmRowsRead / totals.snapshotWrites : 0,
  bytesPerMessage: bytes.reduce((a, b) => a + b, 0) / Math.max(1, bytes.length),
};

/** Every socket got every message committed after its cursor, once (a set cannot double-count). */
function liveSummary() {
  let expected = 0;
  let received = 0;
  lives.forEach((live, i) => {
    for (const v of live.viewers) {
      expected += Math.max(0, stats[i]!.headSeq - v.from);
      received += v.seqs.size;
    }
  });
  const connects = lives.reduce((a, l) => a + l.connects, 0);
  const frames = lives.reduce((a, l) => a + l.frames, 0);
  return { connects, frames, expected, received };
}

const sheets = LOADS.flatMap((load) => [
  projectSheet(measured, load, ASSUMPTIONS, "websocket"),
  projectSheet(measured, load, ASSUMPTIONS, "polling"),
  predecessorSheet(measured, load, ASSUMPTIONS),
]);
const section = renderCostSection({
  date: new Date(),
  command: "npm run cost",
  scenario: SCENARIO,
  assumptions: ASSUMPTIONS,
  counts: Object.fromEntries(requestKinds.map((k) => [k, tally.count(k)])),
  snapshotWrites: totals.snapshotWrites,
  live: liveSummary(),
  series: stats.flatMap((s) => s.series?.minutes ?? []),
  measured,
  sheets,
});
writeSection(join(REPO_ROOT, "docs", "COST.md"), "cost-sheet", section);
console.log(`\n${section}\n`);
console.log(`Wrote docs/COST.md in ${((Date.now() - started) / 1000).toFixed(0)} s total.`);
