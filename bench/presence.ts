// Who is here, at a cost that stays flat: the same message traffic to 200 live viewers in a room
// where 10 of them type continuously (a typing frame each per LIVE.typingRefreshMs) and in a room
// where nobody types, interleaved in alternating bursts (bench/lib/interleaved.ts) on one Worker.
// Measures workerd CPU per delivered message; rewrites the "presence" section of bench/RESULTS.md.
//   node bench/presence.ts                      (8 rounds, as recorded)
//   PRESENCE_BENCH_ROUNDS=2 node bench/presence.ts   (a quick check)
import { loadavg } from "node:os";
import { LiveSubscriber } from "../tests/support/live-subscriber.ts";
import { sleep, until } from "../tests/support/waiting.ts";
import { LIVE } from "../types/live.ts";
import { type Burst, interleavedRound } from "./lib/interleaved.ts";
import { writeSection } from "./lib/results-file.ts";
import { machine, measuredAt, REPO_ROOT, RESULTS_PATH } from "./lib/setup.ts";
import { median } from "./lib/stats.ts";
import { startWorker } from "./lib/worker-process.ts";

const ROUNDS = Number(process.env.PRESENCE_BENCH_ROUNDS ?? 8);
const VIEWERS = 200;
const TYPISTS = 10;
const RATE_PER_SECOND = 5;
/** Messages per burst (4 s at 5 a second), two bursts per member per round. */
const SLICE = 20;
const PER_ROUND = 40;
const TARGET = 1.2;

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const started = Date.now();
const loadBefore = loadavg();
const worker = await startWorker(REPO_ROOT, { RATE_LIMIT_PER_MINUTE: "100000000", POST_FLOOD_GUARD: "0" });
console.log(`Worker up at ${worker.origin}; ${ROUNDS} rounds of ${PER_ROUND} messages per room`);

interface RoomUnderTest {
  name: string;
  subs: LiveSubscriber[];
  typists: LiveSubscriber[];
  delivered: number;
  typingFrames: number;
}

const stamp = Date.now().toString(36);
const typing = await openRoom(`presence-typing-${stamp}`, TYPISTS);
const quiet = await openRoom(`presence-quiet-${stamp}`, 0);
const sums = new Map<RoomUnderTest, { cpuMs: number[]; delivered: number[] }>([
  [typing, { cpuMs: [], delivered: [] }],
  [quiet, { cpuMs: [], delivered: [] }],
]);
try {
  for (let round = 0; round < ROUNDS; round++) {
    const rooms = [typing, quiet];
    const before = rooms.map((r) => r.delivered);
    const out = await interleavedRound(
      rooms.map((r) => burst(r)),
      { operations: PER_ROUND, slice: SLICE, round, meters: [() => worker.workerdCpu()] },
    );
    rooms.forEach((r, i) => {
      sums.get(r)?.cpuMs.push(out[i]?.cpuMs[0] ?? Number.NaN);
      sums.get(r)?.delivered.push(r.delivered - (before[i] ?? 0));
    });
    const perMsg = rooms.map((r) => {
      const s = sums.get(r);
      return (s?.cpuMs.at(-1) ?? Number.NaN) / (s?.delivered.at(-1) ?? Number.NaN);
    });
    console.log(
      `round ${round + 1}: workerd CPU ms per delivered message: with typists ${perMsg[0]?.toFixed(4)}, without ${perMsg[1]?.toFixed(4)}`,
    );
  }
} finally {
  for (const r of [typing, quiet]) for (const s of r.subs) s.stop();
  await worker.stop();
}
const loadAfter = loadavg();

const section = render();
writeSection(RESULTS_PATH, "presence", section);
console.log(`\n${section}\n`);
console.log(`Wrote ${RESULTS_PATH} in ${((Date.now() - started) / 1000).toFixed(0)} s total.`);

async function openRoom(name: string, typists: number): Promise<RoomUnderTest> {
  const room: RoomUnderTest = { name, subs: [], typists: [], delivered: 0, typingFrames: 0 };
  room.subs = Array.from(
    { length: VIEWERS },
    (_, i) =>
      new LiveSubscriber({
        origin: () => worker.origin,
        room: name,
        name: `v${i}`,
        cursor: 0,
        onAccepted: () => {
          room.delivered++;
        },
      }),
  );
  for (const s of room.subs) s.start();
  await until(() => room.subs.every((s) => s.stats.connects > 0), 60_000, `${name}: sockets connected`);
  room.typists = room.subs.slice(0, typists);
  return room;
}

/**
 * One burst: `count` posts at 5 a second to the room, until every viewer has them; in the typing
 * room its typists send a typing frame every LIVE.typingRefreshMs throughout, and stop at the
 * end. Both rooms then wait one activity interval, so a coalesced frame caused by the burst is
 * charged to it and not to the other room's next burst.
 */
function burst(room: RoomUnderTest): Burst<null> {
  return async (count, offset) => {
    const target = room.delivered + count * VIEWERS;
    const typeOnce = () => {
      room.typists.forEach((t, i) => {
        if (t.send({ type: "typing", username: `typist${i}`, color: "100150200", typing: true })) room.typingFrames++;
      });
    };
    typeOnce();
    const timer = room.typists.length ? setInterval(typeOnce, LIVE.typingRefreshMs) : null;
    const t0 = Date.now();
    const posts: Promise<void>[] = [];
    for (let n = 0; n < count; n++) {
      await sleep(t0 + (n * 1000) / RATE_PER_SECOND - Date.now());
      posts.push(post(room.name, `${room.name}-${offset + n}-${Math.random().toString(36).slice(2, 6)}`));
    }
    await Promise.all(posts);
    await until(() => room.delivered >= target, 20_000, `${room.name}: deliveries`);
    if (timer) clearInterval(timer);
    for (const [i, t] of room.typists.entries())
      t.send({ type: "typing", username: `typist${i}`, color: "100150200", typing: false });
    await sleep(LIVE.activityIntervalMs + 300);
    return { latenciesMs: [], results: [] };
  };
}

async function post(room: string, id: string): Promise<void> {
  const response = await fetch(`${worker.origin}/api/comments?room=${room}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id, text: "bench message", username: "bench", color: "100150200", "message-type": "human" }),
  });
  if (response.status !== 201) throw new Error(`post ${id} → ${response.status}: ${await response.text()}`);
}

function render(): string {
  const t = sums.get(typing)!;
  const q = sums.get(quiet)!;
  const perRound = (s: { cpuMs: number[]; delivered: number[] }) => s.cpuMs.map((c, i) => c / (s.delivered[i] ?? 1));
  const ratios = perRound(t).map((v, i) => v / (perRound(q)[i] ?? Number.NaN));
  const ratio = median(ratios);
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const fmt = (n: number, d = 4) => (Number.isFinite(n) ? n.toFixed(d) : "n/a");
  return `## Presence: typing and the viewer count at a flat cost

Measured ${measuredAt()} UTC with \`node bench/presence.ts\` (part of \`npm run bench\`) on ${machine()}; load average ${loadBefore.map((l) => l.toFixed(2)).join(" / ")} before, ${loadAfter.map((l) => l.toFixed(2)).join(" / ")} after (the machine is shared with other work).

The Worker ran as \`${worker.command}\`. Two rooms, each with ${VIEWERS} live viewers (the protocol client of tests/support/live-subscriber.ts). In one, ${TYPISTS} of the viewers type continuously: each sends a \`typing\` frame every ${LIVE.typingRefreshMs} ms (LIVE.typingRefreshMs) while the room gets messages, and \`typing: false\` at the end of each burst. The other room has nobody typing. ${ROUNDS} rounds; in each, ${PER_ROUND} messages per room are posted at ${RATE_PER_SECOND} a second in alternating bursts of ${SLICE} (bench/lib/interleaved.ts, who goes first rotating), each burst ending once all ${VIEWERS} viewers have every message plus one activity interval (${LIVE.activityIntervalMs} ms) so a coalesced frame is charged to the burst that caused it. CPU is the workerd processes' CPU time over each room's bursts, divided by the messages delivered (posts × viewers). ${t.delivered.length ? "" : "(no rounds ran)"}

| room | delivered | typing frames sent (start and refresh; each typist's stop per burst not counted) | workerd CPU ms | workerd CPU ms per delivered message |
| --- | ---: | ---: | ---: | ---: |
| ${TYPISTS} typists | ${total(t.delivered)} | ${typing.typingFrames} | ${fmt(total(t.cpuMs), 0)} | ${fmt(total(t.cpuMs) / total(t.delivered))} |
| nobody typing | ${total(q.delivered)} | 0 | ${fmt(total(q.cpuMs), 0)} | ${fmt(total(q.cpuMs) / total(q.delivered))} |

With ÷ without typists, CPU per delivered message: median over the rounds ${fmt(ratio, 3)} (rounds: ${ratios.map((r) => fmt(r, 2)).join(", ")}); target ≤ ${TARGET}: ${ratio <= TARGET ? "**met**" : "**not met**"}.

Why it stays flat: a typing frame costs the room a bucket check, a map update and (only when the set of typists changes) one coalesced \`activity\` frame, built once and sent identically to every socket at most every ${LIVE.activityIntervalMs} ms; a typist who keeps typing changes nothing, so no frame goes out at all. Nothing is written to SQLite.`;
}
