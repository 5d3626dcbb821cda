// Fan-out at the cost of the simplest chat on the same engine: the room's live push (POST
// /api/comments → every viewer's socket) against FanoutBaseline (workers/bench/fanout-baseline.ts:
// one row, one frame, every socket), in interleaved phases on one bench Worker, each phase a fresh
// room. Rewrites the "fanout" section of bench/RESULTS.md.
//   node bench/fanout.ts                                   (as recorded; about 6 minutes)
//   FANOUT_ROUNDS=1 FANOUT_VIEWERS=200 FANOUT_SECONDS=10 node bench/fanout.ts   (a quick check)
import { loadavg } from "node:os";
import { clientAddressFor } from "../tests/support/client-address.ts";
import { sleep } from "../tests/support/waiting.ts";
import { LIVE } from "../types/constants.ts";
import { deliveryCheck, FanoutViewer } from "./lib/fanout-viewer.ts";
import { interleavedRound } from "./lib/interleaved.ts";
import { type CpuReading, cpuMsBetween } from "./lib/process-cpu.ts";
import { writeSection } from "./lib/results-file.ts";
import { machine, measuredAt, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import { median, quantile } from "./lib/stats.ts";
import { type RunningWorker, startWorker } from "./lib/worker-process.ts";

const ROUNDS = Number(process.env.FANOUT_ROUNDS ?? 3);
const VIEWERS = (process.env.FANOUT_VIEWERS ?? "200,1000").split(",").map(Number).filter(Boolean);
/** The posting window: one poster at RATE msg/s. */
const SECONDS = Number(process.env.FANOUT_SECONDS ?? 20);
/** The idle window (sockets open, nothing posted), reported per 30 s. */
const IDLE_SECONDS = Number(process.env.FANOUT_IDLE_SECONDS ?? 10);
const RATE_PER_SECOND = 5;
/** After the last post, how long deliveries may still arrive. */
const DRAIN_LIMIT_MS = 10_000;
const CONNECT_BATCH = 100;

/** `socket`: the baseline with its poster sending over its own WebSocket, as the peer template does. */
type Side = "room" | "baseline" | "socket";
/** Subject first, the side it is divided by second (FANOUT_SIDES=baseline,socket: what posting over the socket saves). */
const SIDES = (process.env.FANOUT_SIDES ?? "room,baseline").split(",") as [Side, Side];
if (SIDES.length !== 2 || !SIDES.every((x) => ["room", "baseline", "socket"].includes(x))) {
  throw new Error("FANOUT_SIDES is two of room, baseline, socket");
}
const RECORDED = SIDES.join() === "room,baseline";

interface Phase {
  side: Side;
  viewers: number;
  posted: number;
  delivered: number;
  missing: number;
  doubled: number;
  p50Ms: number;
  p99Ms: number;
  /** workerd CPU over the posting window, per delivered message. */
  cpuPerDeliveredMs: number;
  /** The same for the whole `npm run api` group (wrangler's dev proxy + workerd). */
  groupCpuPerDeliveredMs: number;
  /** workerd CPU per message posted (the fixed cost plus V deliveries). */
  cpuPerPostMs: number;
  idleCpuPer30sMs: number;
  idleGroupCpuPer30sMs: number;
  bytesPerFrame: number;
  extensions: string;
}

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const loadBefore = loadavg();
const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: "100000000", POST_FLOOD_GUARD: "0" });
console.log(
  `Worker up at ${worker.origin}; ${ROUNDS} rounds × ${VIEWERS.join(", ")} viewers; ${IDLE_SECONDS} s idle + ${SECONDS} s at ${RATE_PER_SECOND} msg/s per phase`,
);

const phases: Phase[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const viewers of VIEWERS) {
      const sides: Side[] = [...SIDES];
      const out = await interleavedRound(
        sides.map((side) => async () => {
          const p = await phase(worker, side, viewers, round);
          return { latenciesMs: [], results: [p] };
        }),
        { operations: 1, slice: 1, round, meters: [] },
      );
      for (const m of out) phases.push(...m.results);
    }
  }
} finally {
  await worker.stop();
}
const loadAfter = loadavg();
const section = render(phases);
console.log(`\n${section}\n`);
// Only the recorded comparison rewrites the results file; other pairs are experiments.
if (RECORDED) {
  writeSection(RESULTS_PATH, "fanout", section);
  console.log(`Wrote ${RESULTS_PATH} in ${((Date.now() - started) / 1000).toFixed(0)} s total.`);
}

async function phase(w: RunningWorker, side: Side, viewers: number, round: number): Promise<Phase> {
  // The same length on both sides: the ids (room-n) are in every frame.
  const room = `fan-${side[0]}-${viewers}-${round}-${Date.now().toString(36)}`;
  const ws = w.origin.replace(/^http/, "ws");
  const url = side === "room" ? `${ws}/api/live?room=${room}` : `${ws}/api/_bench/fanout/live?room=${room}`;
  const postedAt = new Map<string, number>();
  const latencies: number[] = [];
  const seen = (id: string, at: number) => {
    const sent = postedAt.get(id);
    if (sent !== undefined) latencies.push(at - sent);
  };
  const subs = Array.from({ length: viewers }, (_, i) => new FanoutViewer(url, seen, clientAddressFor(`viewer-${i}`)));
  // In batches, so a thousand upgrades do not all queue at once.
  for (let i = 0; i < subs.length; i += CONNECT_BATCH)
    await Promise.all(subs.slice(i, i + CONNECT_BATCH).map((s) => s.open()));
  // The socket poster: one more socket on the baseline, which also gets each frame (V + 1 sends).
  let poster: WebSocket | null = null;
  if (side === "socket") {
    const ready = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ready.addEventListener("open", resolve);
      ready.addEventListener("error", reject);
    });
    poster = ready;
  }
  // Joins are traffic too: the room tells its viewers the new count (one coalesced `activity`
  // frame per LIVE.activityIntervalMs while sockets arrive, C12). Idle starts once the last of
  // those has gone out, so the window measures a room where nothing happens.
  await sleep(LIVE.activityIntervalMs + 1_000);

  const idle = await window(w, () => sleep(IDLE_SECONDS * 1000));

  const total = SECONDS * RATE_PER_SECOND;
  const ids: string[] = [];
  const expected = total * viewers;
  const busy = await window(w, async () => {
    const t0 = Date.now();
    const posts: Promise<void>[] = [];
    for (let n = 0; n < total; n++) {
      await sleep(t0 + (n * 1000) / RATE_PER_SECOND - Date.now());
      const id = `${room}-${n}`;
      ids.push(id);
      postedAt.set(id, Date.now());
      if (poster) poster.send(JSON.stringify({ type: "post", ...postBody(id, n) }));
      else posts.push(post(w.origin, side, room, id, n));
    }
    await Promise.all(posts);
    await until(() => latencies.length >= expected, DRAIN_LIMIT_MS);
  });
  for (const s of subs) s.close();
  poster?.close();
  await sleep(500);

  const { missing, doubled } = deliveryCheck(subs, ids);
  const frames = subs.reduce((n, s) => n + s.messageFrames, 0);
  const bytes = subs.reduce((n, s) => n + s.messageFrameBytes, 0);
  const delivered = latencies.length;
  const result: Phase = {
    side,
    viewers,
    posted: total,
    delivered,
    missing,
    doubled,
    p50Ms: delivered ? quantile(latencies, 0.5) : Number.NaN,
    p99Ms: delivered ? quantile(latencies, 0.99) : Number.NaN,
    cpuPerDeliveredMs: busy.workerdMs / delivered,
    groupCpuPerDeliveredMs: busy.groupMs / delivered,
    cpuPerPostMs: busy.workerdMs / total,
    idleCpuPer30sMs: (idle.workerdMs * 30_000) / idle.wallMs,
    idleGroupCpuPer30sMs: (idle.groupMs * 30_000) / idle.wallMs,
    bytesPerFrame: frames ? bytes / frames : Number.NaN,
    extensions: subs[0]?.extensions ?? "",
  };
  console.log(
    `round ${round + 1} ${side} ${viewers}: delivered ${delivered}/${expected} (missing ${missing}, doubled ${doubled}), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `workerd ${result.cpuPerDeliveredMs.toFixed(4)} ms/delivered (${result.cpuPerPostMs.toFixed(2)} ms/post), idle ${result.idleCpuPer30sMs.toFixed(0)} ms/30 s (group ${result.idleGroupCpuPer30sMs.toFixed(0)}), ${result.bytesPerFrame.toFixed(0)} B/frame`,
  );
  return result;
}

/** CPU of workerd and of the whole server group over `run`, and its wall time. */
async function window(w: RunningWorker, run: () => Promise<void>) {
  const [wb, gb] = [w.workerdCpu(), w.serverCpu()];
  const t0 = performance.now();
  await run();
  const wallMs = performance.now() - t0;
  const [wa, ga] = [w.workerdCpu(), w.serverCpu()];
  const between = (b: CpuReading | null, a: CpuReading | null) => (b && a ? cpuMsBetween(b, a) : Number.NaN);
  return { wallMs, workerdMs: between(wb, wa), groupMs: between(gb, ga) };
}

async function post(origin: string, side: Side, room: string, id: string, n: number): Promise<void> {
  const message = postBody(id, n);
  const [path, body] =
    side === "room"
      ? [`/api/comments?room=${room}`, { ...message, "message-type": "human" }]
      : [`/api/_bench/fanout/post?room=${room}`, message];
  const res = await fetch(`${origin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${side} post ${id} → ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

function postBody(id: string, n: number) {
  return { id, text: `bench message ${n}`, username: "bench", color: "100150200" };
}

function render(rows: Phase[]): string {
  const [A, B] = SIDES;
  const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
  const of = (side: Side, viewers: number) => rows.filter((r) => r.side === side && r.viewers === viewers);
  /** Ours ÷ baseline per round (both sides ran back to back in it), then the median. */
  const paired = (viewers: number, figure: (p: Phase) => number) => {
    const [a, b] = [of(A, viewers), of(B, viewers)];
    return median(a.map((r, i) => figure(r) / figure(b[i]!)));
  };
  const med = (side: Side, viewers: number, figure: (p: Phase) => number) => median(of(side, viewers).map(figure));
  const figures: [string, (p: Phase) => number, number][] = [
    ["post → seen p50 ms", (p) => p.p50Ms, 1],
    ["post → seen p99 ms", (p) => p.p99Ms, 1],
    ["workerd CPU ms per delivered message", (p) => p.cpuPerDeliveredMs, 4],
    ["workerd CPU ms per post (fixed cost + V deliveries)", (p) => p.cpuPerPostMs, 2],
    ["group CPU ms per delivered message (with wrangler's dev proxy)", (p) => p.groupCpuPerDeliveredMs, 4],
    ["workerd CPU ms per idle 30 s (sockets open, nothing posted)", (p) => p.idleCpuPer30sMs, 1],
    ["group CPU ms per idle 30 s", (p) => p.idleGroupCpuPer30sMs, 1],
    ["bytes per `messages` frame, as sent (before deflate)", (p) => p.bytesPerFrame, 0],
  ];
  const table = VIEWERS.flatMap((v) => [
    `| **${v} viewers** | | | |`,
    ...figures.map(
      ([label, f, d]) => `| ${label} | ${fmt(med(A, v, f), d)} | ${fmt(med(B, v, f), d)} | ${fmt(paired(v, f), 2)} |`,
    ),
  ]);
  const deliveries = rows
    .map(
      (r) =>
        `${r.side} ${r.viewers}: ${r.delivered}/${r.posted * r.viewers}, missing ${r.missing}, doubled ${r.doubled}`,
    )
    .join("; ");
  const allDelivered = rows.every((r) => r.missing === 0 && r.doubled === 0 && r.delivered === r.posted * r.viewers);
  // A line through the viewer counts: CPU per post = fixed + V × per delivery.
  const line = (side: Side) => {
    if (VIEWERS.length < 2) return null;
    const [v1, v2] = [VIEWERS[0]!, VIEWERS[VIEWERS.length - 1]!];
    const [c1, c2] = [med(side, v1, (p) => p.cpuPerPostMs), med(side, v2, (p) => p.cpuPerPostMs)];
    const perDelivery = (c2 - c1) / (v2 - v1);
    return { fixed: c1 - perDelivery * v1, perDelivery };
  };
  const [lr, lb] = [line(A), line(B)];
  const extensions = [...new Set(rows.map((r) => r.extensions || "none"))].join(", ");
  return [
    "## Live fan-out vs the simplest chat on the same engine",
    "",
    `Measured ${measuredAt()} UTC with \`node bench/fanout.ts\` (part of \`npm run bench\`) on ${machine()}; load average (1/5/15 min) ${loadBefore.map((l) => l.toFixed(2)).join(" / ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" / ")} after (the machine is shared with other work); ${((Date.now() - started) / 1000).toFixed(0)} s in all. One bench Worker (\`${worker.command}\`).`,
    "",
    `${ROUNDS} rounds; in each, for ${VIEWERS.join(" and ")} viewers, the room and the baseline each get a phase in a fresh room, who goes first rotating (bench/lib/interleaved.ts). A phase: V WebSocket viewers connect (bench/lib/fanout-viewer.ts, the same light client on both sides, keeping alive as the app does), a settle of one activity interval plus 1 s (the last coalesced viewer-count frame of the joins goes out), ${IDLE_SECONDS} s idle (reported per 30 s), then one poster at ${RATE_PER_SECOND} msg/s for ${SECONDS} s over HTTP POST (\`/api/comments\` for the room; \`/api/_bench/fanout/post\` for the baseline, so both pay the same Worker hop and Durable Object call), until every viewer has every message. The baseline (workers/bench/fanout-baseline.ts) writes one SQLite row and sends one frame in the room's \`messages\` envelope with the fields a viewer renders (id, seq, timestamp, text, username, color, message-type) to every socket; no validation beyond a shape check, no queue, filter, snapshot or alarm. CPU is that of the workerd processes over the window (the runtime that serves in production); "group" adds wrangler's dev proxy. Figures are medians over rounds; ratios are room ÷ baseline paired per round, then the median. Viewers negotiated: ${extensions}; frame sizes are as the server sent them (before deflate).`,
    "",
    `| figure | ${A} | ${B} | ${A} ÷ ${B} |`,
    "| --- | ---: | ---: | ---: |",
    ...table,
    "",
    lr && lb
      ? `A line through both viewer counts (workerd CPU per post = fixed + V × per delivery): ${A} ${fmt(lr.fixed, 2)} ms fixed + ${fmt(lr.perDelivery, 4)} ms per delivery; ${B} ${fmt(lb.fixed, 2)} ms + ${fmt(lb.perDelivery, 4)} ms.`
      : "",
    "",
    `Delivery: ${allDelivered ? "every message reached every viewer exactly once" : "**NOT every message reached every viewer exactly once**"} (${deliveries}).`,
  ].join("\n");
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
}
