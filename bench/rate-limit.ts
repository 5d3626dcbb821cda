// O9, rate limiting: does the Workers Rate Limiting binding (POST_FLOOD, per client IP
// across all rooms, checked in the Worker) earn its place beside the in-room token bucket? One
// real Worker, interleaved rounds, medians; every figure also as a ratio to a baseline measured
// in the same rounds. Rewrites the "rate-limit" section of bench/RESULTS.md.
//   npx node bench/rate-limit.ts        (part of `npm run bench`; two to three minutes on 2 cores)
import { availableParallelism, loadavg } from "node:os";
import { parseServerTiming } from "../workers/metrics.ts";
import { HttpClient, type HttpResponse } from "./lib/http-client.ts";
import { interleavedRound } from "./lib/interleaved.ts";
import { runLoad } from "./lib/load.ts";
import { writeSection } from "./lib/results-file.ts";
import { machine, measuredAt, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import {
  median,
  medianOfRounds,
  pairedCpuCapacityRatio,
  pairedThroughputRatio,
  type RoundSummary,
  summarizeRound,
} from "./lib/stats.ts";
import { startWorker } from "./lib/worker-process.ts";
import { humanMessage } from "./lib/worker-scenarios.ts";

/**
 * Per round and scenario: `accepted` posts, `flood` rejected posts, `bystanders` posts of other
 * clients; in alternating bursts of `slice` (bystanders: `slice / 4`). Sized for under 3 minutes.
 */
const SIZES = {
  rounds: 7,
  accepted: 160,
  flood: 240,
  bystanders: 40,
  slice: 40,
  concurrency: 16,
  bystanderConcurrency: 2,
};
/** The in-room limit while measuring: the default, so the flooding client is over it at once. */
const ROOM_LIMIT_PER_MINUTE = 30;

// Exiting runs the Worker's exit hook, which sends wrangler (in its own process group) SIGINT.
process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const loadBefore = loadavg()[0] ?? 0;
const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: String(ROOM_LIMIT_PER_MINUTE) });
console.log(`Worker up at ${worker.origin} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
const http = new HttpClient(worker.origin, SIZES.concurrency + SIZES.bystanderConcurrency);

/** wrangler dev passes a client's `cf-connecting-ip` through, so one process plays many clients. */
let clients = 0;
const freshClient = () => {
  const n = ++clients;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};
const FLOODER = { inRoom: "198.51.100.1", inWorker: "198.51.100.2", acrossRooms: "198.51.100.3" };
/** Rooms the across-rooms flooder cycles through: each has a bucket of its own for it. */
const ROTATED_ROOMS = 200;

interface Answer {
  status: number;
  /** Room calls the request made (Server-Timing): 0 means the Worker answered alone. */
  roomCalls: number;
}

/** An anonymous post; `guard: false` skips the Worker's flood guard (honoured by the bench build only). */
async function post(room: string, client: string, guard: boolean, expect: number[]): Promise<Answer> {
  const headers: Record<string, string> = { "cf-connecting-ip": client };
  if (!guard) headers["x-bench-flood-guard"] = "off";
  const res: HttpResponse = await http.send("POST", `/api/comments?room=${room}`, {
    body: humanMessage(),
    headers,
    expect,
  });
  const header = res.headers["server-timing"];
  const timing = parseServerTiming(Array.isArray(header) ? header.join(", ") : (header ?? null));
  return { status: res.status, roomCalls: timing.room_calls ?? Number.NaN };
}

/** Posts as `client` until the flood guard (or, with `guard: false`, the bucket) turns it away. */
async function exhaust(room: string, client: string, guard: boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const a = await post(room, client, guard, [201, 429]);
    if (a.status === 429 && (!guard || a.roomCalls === 0)) return;
  }
  throw new Error(`${client} was never rate-limited: the flood guard is not configured (wrangler.toml POST_FLOOD)?`);
}

interface Member {
  key: string;
  label: string;
  /** Runs one burst of `n` operations; what each returned is kept. */
  burst: (n: number) => Promise<{ latenciesMs: number[]; results: Answer[] }>;
  /** Before the round (not timed). */
  prepare?: () => Promise<void>;
}

interface Measured {
  member: Member;
  rounds: RoundSummary[];
  /** workerd's own CPU per operation, per round. */
  workerdMs: number[];
  answers: Answer[];
}

/** Each member's rounds, its bursts alternating with the others' (see lib/interleaved.ts). */
async function measure(members: Member[], operations: number, slice: number, rounds: number): Promise<Measured[]> {
  const out: Measured[] = members.map((member) => ({ member, rounds: [], workerdMs: [], answers: [] }));
  for (let round = 0; round < rounds; round++) {
    for (const m of members) await m.prepare?.();
    const measured = await interleavedRound(
      members.map((m) => m.burst),
      { operations, slice, round, meters: [worker.serverCpu, worker.workerdCpu] },
    );
    measured.forEach(({ sample, cpuMs, results }, i) => {
      const [serverMs, workerdMs] = cpuMs;
      if (serverMs === undefined || workerdMs === undefined) {
        throw new Error("server CPU is unreadable here (/proc): this benchmark reports CPU per request");
      }
      out[i]!.rounds.push(summarizeRound(sample));
      out[i]!.workerdMs.push(workerdMs / operations);
      out[i]!.answers.push(...results);
    });
  }
  return out;
}

const load = async (n: number, concurrency: number, op: () => Promise<Answer>) =>
  runLoad({ concurrency, operations: n }, op);

// ── 1. An accepted post: the bucket alone vs the flood guard and the bucket ─────────────────────
const accepted: Member[] = [
  {
    key: "bucket",
    label: "accepted POST, in-room bucket only (guard skipped)",
    burst: (n) => load(n, SIZES.concurrency, () => post("rl-accepted", freshClient(), false, [201])),
  },
  {
    key: "guard",
    label: "accepted POST, flood guard (binding) + in-room bucket",
    burst: (n) => load(n, SIZES.concurrency, () => post("rl-accepted", freshClient(), true, [201])),
  },
];

// ── 2. A flood: one client far over its limit, turned away in the Room vs in the Worker ──────────
const floodInRoom = () => post("rl-flood", FLOODER.inRoom, false, [201, 429]);
const floodInWorker = () => post("rl-flood", FLOODER.inWorker, true, [201, 429]);
let rotation = 0;
const floodAcrossRooms = () => post(`rl-rotate-${rotation++ % ROTATED_ROOMS}`, FLOODER.acrossRooms, false, [201, 429]);
/** The same route turned away by the Worker before any limiter: what a free Worker-side rejection costs here. */
async function unsupported(): Promise<Answer> {
  const res = await http.send("POST", "/api/comments?room=rl-flood", {
    headers: { "cf-connecting-ip": FLOODER.inWorker, "x-bench-flood-guard": "off" },
    expect: [415],
  });
  const header = res.headers["server-timing"];
  const timing = parseServerTiming(Array.isArray(header) ? header.join(", ") : (header ?? null));
  return { status: res.status, roomCalls: timing.room_calls ?? Number.NaN };
}
const flood: Member[] = [
  {
    key: "room",
    label: "flood POST rejected in the Room (bucket)",
    prepare: () => exhaust("rl-flood", FLOODER.inRoom, false),
    burst: (n) => load(n, SIZES.concurrency, floodInRoom),
  },
  {
    key: "worker",
    label: "flood POST rejected in the Worker (binding)",
    prepare: () => exhaust("rl-flood", FLOODER.inWorker, true),
    burst: (n) => load(n, SIZES.concurrency, floodInWorker),
  },
  {
    key: "across",
    label: `flood POST cycling through ${ROTATED_ROOMS} rooms, bucket only (guard skipped)`,
    burst: (n) => load(n, SIZES.concurrency, floodAcrossRooms),
  },
  {
    key: "floor",
    label: "floor: POST rejected in the Worker with no limiter call (415, no body)",
    burst: (n) => load(n, SIZES.concurrency, unsupported),
  },
];

// ── 3. Other clients posting in the same room, alone vs during each kind of flood ──────────────
/** Bystanders' posts, timed, while `flooder` (if any) keeps flooding at full concurrency until they finish. */
function bystanders(flooder: (() => Promise<Answer>) | null, room = "rl-flood") {
  return async (n: number) => {
    let running = true;
    const flooding = flooder
      ? Promise.all(
          Array.from({ length: SIZES.concurrency }, async () => {
            while (running) await flooder();
          }),
        )
      : Promise.resolve([]);
    const timed = await load(n, SIZES.bystanderConcurrency, () => post(room, freshClient(), true, [201]));
    running = false;
    await flooding;
    return timed;
  };
}
const bystander: Member[] = [
  { key: "quiet", label: "other clients' POST, no flood", burst: bystanders(null) },
  {
    key: "room",
    label: "other clients' POST during a flood rejected in the Room",
    prepare: () => exhaust("rl-flood", FLOODER.inRoom, false),
    burst: bystanders(floodInRoom),
  },
  {
    key: "room-elsewhere",
    label: "control: other clients' POST in another room during a flood rejected in the Room",
    prepare: () => exhaust("rl-flood", FLOODER.inRoom, false),
    burst: bystanders(floodInRoom, "rl-elsewhere"),
  },
  {
    key: "worker",
    label: "other clients' POST during a flood rejected in the Worker",
    prepare: () => exhaust("rl-flood", FLOODER.inWorker, true),
    burst: bystanders(floodInWorker),
  },
];

let results: { accepted: Measured[]; flood: Measured[]; bystander: Measured[] };
try {
  // Warm-up (discarded): compiles, creates the rooms, fills the flooders' windows.
  await measure(accepted, 40, 20, 1);
  await measure(flood, 40, 20, 1);
  await measure(bystander, 10, 5, 1);
  const measuredFrom = Date.now();
  results = {
    accepted: await measure(accepted, SIZES.accepted, SIZES.slice, SIZES.rounds),
    flood: await measure(flood, SIZES.flood, SIZES.slice, SIZES.rounds),
    bystander: await measure(bystander, SIZES.bystanders, SIZES.slice / 4, SIZES.rounds),
  };
  console.log(`measured in ${((Date.now() - measuredFrom) / 1000).toFixed(0)} s`);
} finally {
  http.close();
  await worker.stop();
}

// ── report ──────────────────────────────────────────────────────────────────────────────────────
const f = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));
const x = (n: number | undefined) => (n === undefined ? "–" : `${n.toFixed(2)}×`);
const pct = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(0)} %`;

/** Where the answers came from: rejected in the Worker (no room call), rejected in the Room, accepted. */
function answeredBy(m: Measured): string {
  const all = m.answers.length;
  const inWorker = m.answers.filter((a) => a.status >= 400 && a.roomCalls === 0).length;
  const inRoom = m.answers.filter((a) => a.status >= 400 && a.roomCalls > 0).length;
  const ok = m.answers.filter((a) => a.status === 201).length;
  return `${pct(inWorker, all)} / ${pct(inRoom, all)} / ${pct(ok, all)}`;
}

/** Median over rounds of subject − baseline server CPU per request (ms). */
function cpuDelta(subject: Measured, baseline: Measured): number {
  return median(subject.rounds.map((r, i) => r.cpuMsPerOp! - baseline.rounds[i]!.cpuMsPerOp!));
}
function latencyRatio(subject: Measured, baseline: Measured, q: "p50Ms" | "p99Ms"): number {
  return median(subject.rounds.map((r, i) => r[q] / baseline.rounds[i]![q]));
}

function row(m: Measured, baseline: Measured, extra: string[]): string {
  const s = medianOfRounds(m.rounds);
  const isBase = m === baseline;
  const cells = [
    m.member.label,
    f(s.perSecond, 0),
    f(s.p50Ms),
    f(s.p99Ms),
    f(s.cpuMsPerOp, 3),
    f(median(m.workerdMs), 3),
    isBase ? "baseline" : x(pairedThroughputRatio(m.rounds, baseline.rounds)),
    isBase ? "baseline" : x(pairedCpuCapacityRatio(m.rounds, baseline.rounds)),
    ...extra,
  ];
  return `| ${cells.join(" | ")} |`;
}

const head = (extra: string[]) =>
  [
    `| scenario | req/s | p50 ms | p99 ms | server CPU ms/req | workerd CPU ms/req | throughput vs baseline | CPU capacity vs baseline | ${extra.join(" | ")} |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|${extra.map(() => "---:|").join("")}`,
  ].join("\n");

const [acceptedBase, acceptedGuard] = results.accepted as [Measured, Measured];
const [floodRoom, floodWorker, across, floor] = results.flood as [Measured, Measured, Measured, Measured];
const [quiet, duringRoom, elsewhere, duringWorker] = results.bystander as [Measured, Measured, Measured, Measured];
const totalS = ((Date.now() - started) / 1000).toFixed(0);

const section = `## Rate limiting: the flood guard (binding) beside the in-room bucket

Measured ${measuredAt()} UTC with \`npx node bench/rate-limit.ts\` (part of \`npm run bench\`) on ${machine()}; 1-min load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after; ${totalS} s in all. One Worker (\`${worker.command}\`), wrangler.toml's \`POST_FLOOD\` binding (300 per 60 s per client IP) and the in-room bucket at ${ROOM_LIMIT_PER_MINUTE} a minute. ${SIZES.rounds} rounds; in each, the scenarios of a table alternate in bursts of ${SIZES.slice} (bystanders ${SIZES.slice / 4}), who goes first rotating; figures are medians over rounds, ratios paired per round. Clients are told apart by \`cf-connecting-ip\` (wrangler dev passes it through); \`x-bench-flood-guard: off\` (honoured only by the bench build, wrangler.bench.toml) skips the guard for the baseline. Server CPU is the whole local server (wrangler's proxy and workerd) over each burst, divided by its requests; workerd CPU is the runtime alone.

**Caveat, and it cuts against the binding:** locally miniflare simulates the binding as a Durable Object with SQLite (one local service call and a row read/write per \`limit()\`); in production it is a counter at the Cloudflare location with no Durable Object behind it. The binding's local cost is an upper bound.

### 1. An accepted post (${SIZES.concurrency} concurrent, a fresh client each)

${head(["server CPU added ms/req"])}
${row(acceptedBase, acceptedBase, ["–"])}
${row(acceptedGuard, acceptedBase, [f(cpuDelta(acceptedGuard, acceptedBase), 3)])}

### 2. A flood: one client far over both limits (${SIZES.concurrency} concurrent)

"answered by" is the share of its requests rejected in the Worker (no room call in Server-Timing) / rejected in the Room / accepted (the bucket's refill, or a new binding window).

${head(["answered by W / R / ok"])}
${row(floodRoom, floodRoom, [answeredBy(floodRoom)])}
${row(floodWorker, floodRoom, [answeredBy(floodWorker)])}
${row(across, floodRoom, [answeredBy(across)])}
${row(floor, floodRoom, [answeredBy(floor)])}

Server CPU per rejected request: in the Room ${f(medianOfRounds(floodRoom.rounds).cpuMsPerOp, 2)} ms, in the Worker by the binding ${f(medianOfRounds(floodWorker.rounds).cpuMsPerOp, 2)} ms, of which the local simulator's \`limit()\` is about ${f(cpuDelta(acceptedGuard, acceptedBase), 2)} ms (table 1's added cost); the floor, a Worker-side rejection with no limiter, is ${f(medianOfRounds(floor.rounds).cpuMsPerOp, 2)} ms. Every request rejected in the Room is also a billed Durable Object request and a turn of the room's single thread; one rejected in the Worker is neither. The bucket is per room: the client cycling through ${ROTATED_ROOMS} rooms gets ${ROOM_LIMIT_PER_MINUTE} posts a minute in each, so it is stopped only by the binding (per client IP across all rooms; the tests in workers/test/rate-limit.test.ts show it).

### 3. Other clients posting in the same room (${SIZES.bystanderConcurrency} concurrent, under their limits) while the flood runs

Throughput and CPU here are the bystanders' requests over the whole server's CPU (the flood's included), so read the latency columns. Client, server and flood share ${availableParallelism()} cores: the control (bystanders in another room, whose object the flood never touches) shows how much of the slowdown is the machine's CPU rather than the flooded room's thread.

${head(["p50 vs no flood", "p99 vs no flood"])}
${row(quiet, quiet, ["baseline", "baseline"])}
${row(duringRoom, quiet, [x(latencyRatio(duringRoom, quiet, "p50Ms")), x(latencyRatio(duringRoom, quiet, "p99Ms"))])}
${row(elsewhere, quiet, [x(latencyRatio(elsewhere, quiet, "p50Ms")), x(latencyRatio(elsewhere, quiet, "p99Ms"))])}
${row(duringWorker, quiet, [x(latencyRatio(duringWorker, quiet, "p50Ms")), x(latencyRatio(duringWorker, quiet, "p99Ms"))])}

`;

writeSection(RESULTS_PATH, "rate-limit", section);
console.log(`\n${section}\n`);
console.log(`Wrote ${RESULTS_PATH} in ${totalS} s total.`);
