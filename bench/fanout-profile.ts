// Where the room's per-message cost goes: a V8 CPU profile of the bench Worker's isolate
// (through wrangler's inspector port) while one poster sends 5 msg/s to V live viewers, summed
// by function: inclusive time of the sections of a post (the Worker's middleware and validation,
// the Room's transaction, the publish, the alarm's snapshot write) and the top functions by self
// time. Prints a report; bench/RESULTS.md quotes it in the "fanout" section.
//   node bench/fanout-profile.ts            (room side; FANOUT_PROFILE_SIDE=baseline for the floor)
//   FANOUT_PROFILE_AFTER_SECONDS=70 node bench/fanout-profile.ts   (then idle CPU per 5 s, sockets open)

import { clientAddressFor } from "../tests/support/client-address.ts";
import { FanoutViewer } from "./lib/fanout-viewer.ts";
import { cpuMsBetween } from "./lib/process-cpu.ts";
import { REPO_ROOT } from "./lib/setup.ts";
import { startWorker } from "./lib/worker-process.ts";

const VIEWERS = Number(process.env.FANOUT_VIEWERS ?? 200);
const SECONDS = Number(process.env.FANOUT_SECONDS ?? 15);
const SIDE = process.env.FANOUT_PROFILE_SIDE === "baseline" ? "baseline" : "room";
/** Then this many 5 s slices of idle CPU (FANOUT_PROFILE_AFTER_SECONDS, default 0). */
const AFTER_SLICES = Math.ceil(Number(process.env.FANOUT_PROFILE_AFTER_SECONDS ?? 0) / 5);

/** Sections of a post, by the function that starts each (inclusive time: the function and all it calls). */
const SECTIONS = [
  "fetch",
  "dispatch",
  "identify",
  "jsonBodyGate",
  "safeParse",
  "post",
  "runAsync",
  "transaction",
  "insert",
  "publish",
  "publishMessages",
  "publishQueue",
  "fanOut",
  "send",
  "sendRaw",
  "stringify",
  "alarm",
  "flush",
  "buildSnapshot",
  "scheduleAlarm",
  "roll",
  "measure",
  "webSocketMessage",
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: "100000000", POST_FLOOD_GUARD: "0" });
let profile: Profile;
try {
  const targets = (await (await fetch(`http://127.0.0.1:${worker.inspectorPort}/json`)).json()) as {
    title: string;
    webSocketDebuggerUrl: string;
  }[];
  const target = targets.find((t) => t.title.includes("saywhatwant-bench")) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  const cdp = await devtools(target.webSocketDebuggerUrl);
  await cdp("Profiler.enable");
  await cdp("Profiler.setSamplingInterval", { interval: 200 });

  const ws = worker.origin.replace(/^http/, "ws");
  const room = `prof-${Date.now().toString(36)}`;
  const url = SIDE === "room" ? `${ws}/api/live?room=${room}` : `${ws}/api/_bench/fanout/live?room=${room}`;
  let delivered = 0;
  const viewers = Array.from(
    { length: VIEWERS },
    (_, i) => new FanoutViewer(url, () => delivered++, clientAddressFor(`viewer-${i}`)),
  );
  for (let i = 0; i < viewers.length; i += 100) await Promise.all(viewers.slice(i, i + 100).map((v) => v.open()));
  await new Promise((r) => setTimeout(r, 1000));

  await cdp("Profiler.start");
  const cpuBefore = worker.workerdCpu();
  const t0 = Date.now();
  const total = SECONDS * 5;
  const posts: Promise<unknown>[] = [];
  for (let n = 0; n < total; n++) {
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + n * 200 - Date.now())));
    const body = { id: `${room}-${n}`, text: `bench message ${n}`, username: "bench", color: "100150200" };
    const path = SIDE === "room" ? `/api/comments?room=${room}` : `/api/_bench/fanout/post?room=${room}`;
    posts.push(
      fetch(`${worker.origin}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(SIDE === "room" ? { ...body, "message-type": "human" } : body),
      }).then((r) => r.arrayBuffer()),
    );
  }
  await Promise.all(posts);
  // Past the snapshot write that follows the last post.
  await new Promise((r) => setTimeout(r, 1500));
  const cpuAfter = worker.workerdCpu();
  profile = ((await cdp("Profiler.stop")) as { profile: Profile }).profile;
  const cpuMs = cpuBefore && cpuAfter ? cpuMsBetween(cpuBefore, cpuAfter) : Number.NaN;
  // After the traffic, sockets still open: what the room does while nothing happens, 5 s at a time.
  const slices: string[] = [];
  for (let i = 0; i < AFTER_SLICES; i++) {
    const b = worker.workerdCpu();
    await new Promise((r) => setTimeout(r, 5_000));
    const a = worker.workerdCpu();
    slices.push(b && a ? cpuMsBetween(b, a).toFixed(0) : "n/a");
  }
  const frame = viewers[0]?.lastFrame ?? "";
  for (const v of viewers) v.close();
  if (AFTER_SLICES) console.log(`workerd CPU ms per 5 s after the last post, sockets open: ${slices.join(", ")}`);
  console.log(`a \`messages\` frame as sent (${Buffer.byteLength(frame)} B): ${frame}`);
  console.log(`${SIDE}: ${total} posts, ${delivered} deliveries to ${VIEWERS} viewers, profiled ${SECONDS + 1.5} s`);
  console.log(
    `workerd CPU over the window: ${cpuMs.toFixed(0)} ms (${(cpuMs / total).toFixed(2)} ms per post, profiler included)`,
  );
  report(profile, total, cpuMs);
} finally {
  await worker.stop();
}
process.exit(0);

/**
 * Each sample counts once (on a loaded machine the sampler falls behind and its time deltas
 * stretch unevenly); a section's share of the JS samples is then scaled to the workerd CPU
 * measured over the same window, so the figures are CPU ms (JS only; the rest is the runtime's
 * own work: sockets, SQLite, I/O).
 */
function report(p: Profile, posts: number, cpuMs: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (const id of p.samples) selfUs.set(id, (selfUs.get(id) ?? 0) + 1);
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName || "(anonymous)";
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") {
      if (name === "(garbage collector)") self.set(name, (self.get(name) ?? 0) + us);
      if (name !== "(garbage collector)") continue;
    }
    busy += us;
    const key = `${name} ${short(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const fn = byId.get(at)!.callFrame.functionName;
      if (SECTIONS.includes(fn)) onStack.add(fn);
    }
    for (const fn of onStack) inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
  }
  const all = p.samples.length;
  // A sample is worth this much CPU: the window's workerd CPU spread over every sample, idle included.
  const msPerSample = cpuMs / all;
  const ms = (n: number) => `${((100 * n) / all).toFixed(1)}%`;
  const per = (n: number) => ((n * msPerSample) / posts).toFixed(3);
  console.log(`JS samples: ${busy} of ${all} (${ms(busy)}); at most ${per(busy)} ms of JS CPU per post`);
  console.log("\nInclusive time by section (share of samples, CPU ms per post):");
  for (const fn of SECTIONS) {
    const us = inclusive.get(fn);
    if (us) console.log(`  ${fn.padEnd(18)} ${ms(us).padStart(8)}  ${per(us).padStart(7)}`);
  }
  console.log("\nTop 30 by self time (share of samples, CPU ms per post):");
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    console.log(`  ${ms(us).padStart(8)}  ${per(us).padStart(7)}  ${key}`);
  }
}

function short(url: string): string {
  return url.split("/").slice(-2).join("/");
}

async function devtools(url: string): Promise<(method: string, params?: object) => Promise<unknown>> {
  // wrangler's inspector proxy admits local DevTools origins only; Node's WebSocket (undici) takes headers.
  const Ws = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;
  const ws = new Ws(url, { headers: { origin: "http://localhost" } });
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (event) => {
    const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) waiting.get(msg.id)?.(msg.result);
  });
  return (method, params = {}) =>
    new Promise((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
}
