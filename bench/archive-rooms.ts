// Part of `npm run bench` (H1): does a room that has archived most of its history to R2
// answer posts and empty polls as fast, and with the same rows read, as a small room? Starts the
// real Worker, seeds both rooms through the bench-only `/api/_bench/seed`, then alternates short
// bursts of each measurement between the rooms, and rewrites the "archive-bench" section of
// bench/RESULTS.md. `node bench/archive-rooms.ts [large-room-size]` (default 1,000,000).
import { loadavg } from "node:os";
import { parseServerTiming } from "../workers/metrics.ts";
import { HttpClient, type HttpResponse } from "./lib/http-client.ts";
import { runLoad } from "./lib/load.ts";
import { writeSection } from "./lib/results-file.ts";
import { localToken, machine, measuredAt, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import { median } from "./lib/stats.ts";
import { startWorker } from "./lib/worker-process.ts";

const SMALL = 10_000;
const LARGE = Number(process.argv[2] ?? "") || 1_000_000;
/** The large room's hot window: the same rows in SQLite as the small room, the rest archived. */
const LARGE_HOT = 10_000;
/** Messages per seed request: small enough to answer well within the client's 30 s timeout on a busy machine. */
const SEED_CHUNK = 10_000;
const SIZES = { concurrency: 16, rounds: 5, burst: 200, warmup: 100 } as const;

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const loadBefore = loadavg()[0] ?? 0;
const worker = await startWorker(REPO_ROOT, {
  RATE_LIMIT_PER_MINUTE: "100000000",
  POST_FLOOD_GUARD: "0",
});
const http = new HttpClient(worker.origin, SIZES.concurrency);
const token = localToken("BOT_TOKEN");
const runTag = Date.now().toString(36);
const rooms = { small: `arch-small-${runTag}`, large: `arch-large-${runTag}` };

interface Seeded {
  head: number;
  hotRows: number;
  archivedMessages: number;
}

async function seed(room: string, total: number, hot: number | null): Promise<Seeded> {
  let last: Seeded = { head: 0, hotRows: 0, archivedMessages: 0 };
  for (let done = 0; done < total; done += SEED_CHUNK) {
    const count = Math.min(SEED_CHUNK, total - done);
    const hotParam = hot !== null && done === 0 ? `&hot=${hot}` : "";
    last = await http.json<Seeded>("POST", `/api/_bench/seed?room=${room}&count=${count}${hotParam}`, { token });
    console.log(`  ${room}: ${last.head} stored (${last.hotRows} hot, ${last.archivedMessages} archived)`);
  }
  return last;
}

let idCounter = 0;
const post = (room: string) =>
  http.send("POST", `/api/comments?room=${room}`, {
    token,
    expect: [201],
    body: {
      id: `b-${runTag}-${++idCounter}`,
      text: "Has anyone tried the new model yet? It answers everything in haiku now.",
      username: "benchuser",
      color: "080160240",
      domain: "127.0.0.1",
    },
  });
const headOf = async (room: string) => (await http.json<{ headSeq: number }>("GET", `/api/stats?room=${room}`)).headSeq;
const emptyPoll = (room: string, cursor: number) => http.send("GET", `/api/comments?room=${room}&cursor=${cursor}`);

function rowsRead(response: HttpResponse): number {
  const header = response.headers["server-timing"];
  return parseServerTiming(Array.isArray(header) ? header.join(", ") : (header ?? null)).rows_read ?? Number.NaN;
}

type Kind = "post" | "poll";
type Size = keyof typeof rooms;
const throughput: Record<Kind, Record<Size, number[]>> = {
  post: { small: [], large: [] },
  poll: { small: [], large: [] },
};
const rows: Record<Kind, Record<Size, number[]>> = { post: { small: [], large: [] }, poll: { small: [], large: [] } };

async function burst(kind: Kind, size: Size, operations: number, record: boolean): Promise<void> {
  const room = rooms[size];
  const cursor = kind === "poll" ? await headOf(room) : 0;
  const outcome = await runLoad({ concurrency: SIZES.concurrency, operations }, async () =>
    rowsRead(kind === "post" ? await post(room) : await emptyPoll(room, cursor)),
  );
  if (kind === "poll") {
    const bodies = await emptyPoll(room, cursor);
    if ((JSON.parse(bodies.body) as { comments: unknown[] }).comments.length !== 0)
      throw new Error("poll was not empty");
  }
  if (!record) return;
  throughput[kind][size].push((outcome.operations * 1000) / outcome.elapsedMs);
  rows[kind][size].push(...outcome.results);
}

let seededSmall: Seeded;
let seededLarge: Seeded;
const seedStarted = Date.now();
let seedMs = 0;
try {
  console.log(`Worker up at ${worker.origin}; seeding ${SMALL} and ${LARGE} messages`);
  seededSmall = await seed(rooms.small, SMALL, null);
  seededLarge = await seed(rooms.large, LARGE, LARGE_HOT);
  seedMs = Date.now() - seedStarted;
  console.log(`seeded in ${(seedMs / 1000).toFixed(0)} s`);
  for (const kind of ["post", "poll"] as const) {
    for (const size of ["small", "large"] as const) await burst(kind, size, SIZES.warmup, false);
  }
  for (let round = 0; round < SIZES.rounds; round++) {
    // Alternate which room goes first, so neither always meets the same moment of a busy machine.
    const order: Size[] = round % 2 === 0 ? ["small", "large"] : ["large", "small"];
    for (const kind of ["post", "poll"] as const) for (const size of order) await burst(kind, size, SIZES.burst, true);
    console.log(`round ${round + 1}/${SIZES.rounds} done`);
  }
} finally {
  http.close();
  await worker.stop();
}

const ratio = (kind: Kind) =>
  median(throughput[kind].large.map((large, i) => large / (throughput[kind].small[i] ?? Number.NaN)));
const fmt = (n: number) => n.toFixed(0);
const line = (kind: Kind, label: string) => {
  const r = ratio(kind);
  const rowsSmall = median(rows[kind].small);
  const rowsLarge = median(rows[kind].large);
  const maxSmall = Math.max(...rows[kind].small);
  const maxLarge = Math.max(...rows[kind].large);
  return `| ${label} | ${fmt(median(throughput[kind].small))} req/s | ${fmt(median(throughput[kind].large))} req/s | ${r.toFixed(2)} | ≥ 0.90: **${r >= 0.9 ? "met" : "not met"}** | ${rowsSmall} (max ${maxSmall}) | ${rowsLarge} (max ${maxLarge}) | ${rowsSmall === rowsLarge ? "**equal**" : "**differ**"} |`;
};
const section = `## Large rooms: hot window + R2 archive (H1)

Measured ${measuredAt()} UTC with \`node bench/archive-rooms.ts${process.argv[2] ? ` ${process.argv[2]}` : ""}\` (part of \`npm run bench\`) on ${machine()}; 1-min load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after; the whole run took ${((Date.now() - started) / 1000).toFixed(0)} s (seeding ${(seedMs / 1000).toFixed(0)} s of it, through \`POST /api/_bench/seed\`, which archives with the real writer).

Rooms: **small** ${seededSmall.head.toLocaleString("en")} messages, all hot; **large** ${seededLarge.head.toLocaleString("en")} messages, ${seededLarge.hotRows.toLocaleString("en")} hot and ${seededLarge.archivedMessages.toLocaleString("en")} archived in R2 (hot window ${LARGE_HOT.toLocaleString("en")}). Same Worker, same run; ${SIZES.rounds} rounds of ${SIZES.burst}-request bursts at ${SIZES.concurrency} connections, the rooms alternating inside each round (after a warm-up of ${SIZES.warmup}); ratio = median of the per-round ratios (large ÷ small). POSTs use the bot token; the large room keeps archiving in its alarm while posted to.

| measurement | small room | large room | × small | target | rows read, small | rows read, large | rows read |
| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |
${line("post", "`POST /api/comments`")}
${line("poll", "empty poll `GET /api/comments?cursor=<head>`")}
`;
writeSection(RESULTS_PATH, "archive-bench", section);
console.log(`\n${section}`);
