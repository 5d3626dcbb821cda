// C10, push against polling: the same room traffic delivered to 200 viewers by WebSocket push and to
// 200 viewers by cursor polling at the app's pace, in the same run on the same Worker; then push
// alone with more viewers. Rewrites the "push-vs-poll" section of bench/RESULTS.md.
//   node bench/push-vs-poll.ts            (60 s per phase, as recorded)
//   PUSH_BENCH_SECONDS=10 PUSH_BENCH_SCALE=500 node bench/push-vs-poll.ts   (a quick check)
import { loadavg } from "node:os";
import { KEEP_ALIVE } from "../lib/chat/keep-alive.ts";
import { POLL } from "../lib/chat/poll-schedule.ts";
import { LiveSubscriber } from "../tests/support/live-subscriber.ts";
import { sleep, until } from "../tests/support/waiting.ts";
import type { Message } from "../types/message.ts";
import { PollViewer } from "./lib/poll-viewer.ts";
import { cpuMsBetween } from "./lib/process-cpu.ts";
import { writeSection } from "./lib/results-file.ts";
import { machine, measuredAt, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import { quantile } from "./lib/stats.ts";
import { startWorker } from "./lib/worker-process.ts";

const SECONDS = Number(process.env.PUSH_BENCH_SECONDS ?? 60);
const RATE_PER_SECOND = 5;
const VIEWERS = 200;
const SCALE = (process.env.PUSH_BENCH_SCALE ?? "1000,2000").split(",").map(Number).filter(Boolean);
/** After the last post, how long deliveries may still arrive before the phase's window closes. */
const DRAIN_LIMIT_MS = 10_000;

interface PhaseResult {
  mode: "push" | "poll";
  viewers: number;
  posted: number;
  delivered: number;
  expected: number;
  p50Ms: number;
  p99Ms: number;
  /** Viewer requests inside the window: HTTP polls, or WebSocket client frames and re-upgrades. */
  requests: number;
  /** Requests before the window: WebSocket upgrades, or the pollers' warm-up polls. */
  setupRequests: number;
  /** Of `requests`, the keep-alive pings (answered by the runtime's auto-response, never by Worker code). */
  keepAlives: number;
  /** CPU of the whole `npm run api` group (wrangler's dev proxy + workerd). */
  cpuMs: number;
  /** CPU of workerd alone. */
  workerdCpuMs: number;
  windowMs: number;
}

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const loadBefore = loadavg();
const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: "100000000", POST_FLOOD_GUARD: "0" });
console.log(`Worker up at ${worker.origin}; ${SECONDS} s per phase at ${RATE_PER_SECOND} msg/s`);

const results: PhaseResult[] = [];
try {
  results.push(await phase("push", VIEWERS));
  results.push(await phase("poll", VIEWERS));
  for (const viewers of SCALE) results.push(await phase("push", viewers));
} finally {
  await worker.stop();
}
const loadAfter = loadavg();

const section = render(results);
writeSection(RESULTS_PATH, "push-vs-poll", section);
console.log(`\n${section}\n`);
console.log(`Wrote ${RESULTS_PATH} in ${((Date.now() - started) / 1000).toFixed(0)} s total.`);

async function phase(mode: "push" | "poll", viewers: number): Promise<PhaseResult> {
  const room = `pvp-${mode}-${viewers}-${Date.now().toString(36)}`;
  const postedAt = new Map<string, number>();
  const latencies: number[] = [];
  const seen = (m: Message, receivedAt: number) => {
    const sentAt = postedAt.get(m.id);
    if (sentAt !== undefined) latencies.push(receivedAt - sentAt);
  };

  let countRequests: () => number;
  let countKeepAlives: () => number = () => 0;
  let stopViewers: () => void;
  if (mode === "push") {
    const subs = Array.from(
      { length: viewers },
      (_, i) =>
        new LiveSubscriber({
          origin: () => worker.origin,
          room,
          name: `v${i}`,
          cursor: 0,
          keepAliveIdleMs: KEEP_ALIVE.idleMs,
          onAccepted: seen,
        }),
    );
    // In batches, so connecting 2,000 sockets does not look like a flood to anyone.
    for (let i = 0; i < subs.length; i += 100) {
      for (const s of subs.slice(i, i + 100)) s.start();
      await until(() => subs.slice(0, i + 100).every((s) => s.stats.connects > 0), 60_000, "sockets connected", 50);
    }
    countRequests = () => subs.reduce((n, s) => n + s.stats.connects + s.stats.framesSent, 0);
    // The only frames this client sends are keep-alive pings.
    countKeepAlives = () => subs.reduce((n, s) => n + s.stats.framesSent, 0);
    stopViewers = () => {
      for (const s of subs) s.stop();
    };
  } else {
    const pollers = Array.from({ length: viewers }, () => new PollViewer(worker.origin, room, POLL.activeMs, seen));
    for (const p of pollers) p.start(Math.random() * POLL.activeMs);
    await sleep(2 * POLL.activeMs);
    countRequests = () => pollers.reduce((n, p) => n + p.requests, 0);
    stopViewers = () => {
      for (const p of pollers) p.stop();
    };
  }
  // Both sides start counting at the window: the pollers' warm-up polls and the sockets' upgrades
  // come before it (the upgrades are reported in their own column).
  const requestsBefore = countRequests();
  const keepAlivesBefore = countKeepAlives();

  const cpuBefore = worker.serverCpu();
  const workerdBefore = worker.workerdCpu();
  const windowStart = Date.now();
  const total = SECONDS * RATE_PER_SECOND;
  const posts: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = windowStart + (n * 1000) / RATE_PER_SECOND;
    await sleep(due - Date.now());
    const id = `${room}-${n}`;
    postedAt.set(id, Date.now());
    posts.push(postOnce(room, id, n));
  }
  await Promise.all(posts);
  const expected = total * viewers;
  await until(() => latencies.length >= expected, DRAIN_LIMIT_MS, "deliveries", 50).catch(() => undefined);
  const windowMs = Date.now() - windowStart;
  const cpuAfter = worker.serverCpu();
  const workerdAfter = worker.workerdCpu();
  const requests = countRequests() - requestsBefore;
  const keepAlives = countKeepAlives() - keepAlivesBefore;
  stopViewers();
  await sleep(500);

  const result: PhaseResult = {
    mode,
    viewers,
    posted: total,
    delivered: latencies.length,
    expected,
    p50Ms: latencies.length ? quantile(latencies, 0.5) : Number.NaN,
    p99Ms: latencies.length ? quantile(latencies, 0.99) : Number.NaN,
    requests,
    setupRequests: requestsBefore,
    keepAlives,
    cpuMs: cpuBefore && cpuAfter ? cpuMsBetween(cpuBefore, cpuAfter) : Number.NaN,
    workerdCpuMs: workerdBefore && workerdAfter ? cpuMsBetween(workerdBefore, workerdAfter) : Number.NaN,
    windowMs,
  };
  console.log(
    `${mode} ${viewers}: delivered ${result.delivered}/${expected}, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
      `${requests} viewer requests (+${requestsBefore} before the window), server CPU ${result.cpuMs.toFixed(0)} ms (workerd ${result.workerdCpuMs.toFixed(0)} ms) over ${(windowMs / 1000).toFixed(1)} s`,
  );
  return result;
}

async function postOnce(room: string, id: string, n: number): Promise<void> {
  const response = await fetch(`${worker.origin}/api/comments?room=${room}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      id,
      text: `bench message ${n}`,
      username: "bench",
      color: "100150200",
      "message-type": "human",
    }),
  });
  if (response.status !== 201) throw new Error(`post ${id} → ${response.status}: ${await response.text()}`);
}

function render(rows: PhaseResult[]): string {
  const [push, poll] = [rows[0]!, rows[1]!];
  const perDelivered = (r: PhaseResult, value: number) => value / r.delivered;
  const ratio = (a: number, b: number) => a / b;
  const verdict = (value: number, target: number) => (value <= target ? "**met**" : "**not met**");
  const p99Ratio = ratio(push.p99Ms, poll.p99Ms);
  const reqRatio = ratio(perDelivered(push, push.requests), perDelivered(poll, poll.requests));
  const reqSetupRatio = ratio(
    perDelivered(push, push.requests + push.setupRequests),
    perDelivered(poll, poll.requests + poll.setupRequests),
  );
  const reqNoPingRatio = ratio(perDelivered(push, push.requests - push.keepAlives), perDelivered(poll, poll.requests));
  const cpuRatio = ratio(perDelivered(push, push.workerdCpuMs), perDelivered(poll, poll.workerdCpuMs));
  const groupCpuRatio = ratio(perDelivered(push, push.cpuMs), perDelivered(poll, poll.cpuMs));
  const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
  const line = (r: PhaseResult) =>
    `| ${r.mode === "push" ? "push (WebSocket)" : "polling (1 s, by cursor)"} | ${r.viewers} | ${r.delivered} / ${r.expected} | ${fmt(r.p50Ms, 0)} | ${fmt(r.p99Ms, 0)} | ${r.setupRequests} | ${r.requests} | ${fmt(perDelivered(r, r.requests), 4)} | ${fmt(perDelivered(r, r.requests + r.setupRequests), 4)} | ${fmt(r.workerdCpuMs, 0)} | ${fmt(perDelivered(r, r.workerdCpuMs), 3)} | ${fmt(r.cpuMs, 0)} | ${fmt(perDelivered(r, r.cpuMs), 3)} |`;
  return [
    "## Push vs polling (C10)",
    "",
    `Measured ${measuredAt()} UTC with \`node bench/push-vs-poll.ts\` (part of \`npm run bench\`) on ${machine()}; load average (1/5/15 min) ${loadBefore.map((l) => l.toFixed(2)).join(" / ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" / ")} after (the machine is shared with other work).`,
    "",
    `The Worker ran as \`${worker.command}\`. Each phase is its own fresh room: the viewers connect (or start polling at random offsets) first, then one poster sends ${RATE_PER_SECOND} messages a second for ${SECONDS} s; the window closes when every viewer has every message (or ${DRAIN_LIMIT_MS / 1000} s after the last post). Post → seen is from just before the POST is sent to the moment a viewer has the message, over every (viewer, message) pair. Viewer requests are HTTP polls, or WebSocket client frames (the app's keep-alive, \`lib/chat/keep-alive.ts\`: a ping only after ${KEEP_ALIVE.idleMs / 1000} s without any frame from the room, so none while messages flow) and any re-upgrade, counted inside the window; setup requests are what came before it (each socket's upgrade, the pollers' first two seconds) and "incl. setup" charges them to the window too (a real page holds its socket far longer than ${SECONDS} s, so that column overstates push's cost). The poster's ${push.posted} POSTs per phase are the same on both sides and not counted. Server CPU is the CPU time of the workerd processes over the window (the runtime that serves in production), and, for comparison, of the whole \`npm run api\` process group (npm, wrangler's dev proxy, workerd). Viewers and server share the machine's two cores, so the push figures at 1,000 and 2,000 viewers include the client's own work of receiving every frame.`,
    "",
    "| delivery | viewers | delivered / expected | p50 ms | p99 ms | setup requests | viewer requests in window | requests per delivered | incl. setup | workerd CPU ms | workerd CPU ms per delivered | group CPU ms | group CPU ms per delivered |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(line),
    "",
    `The pollers made ${(poll.requests / (poll.windowMs / 1000)).toFixed(0)} requests a second of the ${VIEWERS} a second their 1 s pace asks for: each poll waits for the previous answer, so when the Worker cannot keep up the pace slows, the latency grows and the request count (and so polling's cost in the ratios below) is lower than an unsaturated server would see.`,
    "",
    `Push ÷ polling, ${VIEWERS} viewers each, same run:`,
    "",
    "| figure | push ÷ polling | target |",
    "| --- | ---: | --- |",
    `| post → seen p50 | ${fmt(ratio(push.p50Ms, poll.p50Ms), 3)} | |`,
    `| post → seen p99 | ${fmt(p99Ratio, 3)} | ≤ 0.25: ${verdict(p99Ratio, 0.25)} |`,
    `| API requests per delivered message | ${fmt(reqRatio, 4)} | ≤ 0.01: ${verdict(reqRatio, 0.01)} |`,
    `| the same, charging each socket's upgrade to the window | ${fmt(reqSetupRatio, 4)} | |`,
    `| the same, without the ${push.keepAlives} keep-alive pings (auto-responses: the runtime answers them, no Worker code runs) | ${fmt(reqNoPingRatio, 4)} | |`,
    `| server CPU per delivered message (workerd) | ${fmt(cpuRatio, 3)} | ≤ 0.2: ${verdict(cpuRatio, 0.2)} |`,
    `| the same, whole \`npm run api\` group (with wrangler's dev proxy) | ${fmt(groupCpuRatio, 3)} | |`,
  ].join("\n");
}
