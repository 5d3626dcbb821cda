// The chaos run (E4, C11), shared by `npm run chaos` (bench/chaos.ts) and its short
// version in `npm test` (tests/integration/chaos.test.ts). Posters send through Worker SIGKILLs,
// bots are SIGKILLed and restarted, live subscribers follow the room through every restart; at the
// end the room is compared with what every party saw.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Message } from "../../types/message.ts";
import { type RunningBot, spawnBot } from "./bot-process.ts";
import { startFakeLlm } from "./fake-llm.ts";
import { compareDelivery, LiveSubscriber } from "./live-subscriber.ts";
import { type PostBody, postUntilAcknowledged } from "./reliable-post.ts";
import { createRestartableWorker } from "./restartable-worker.ts";
import { sleep } from "./waiting.ts";

export interface ChaosConfig {
  posters: number;
  /** Total messages over all posters. */
  messages: number;
  /** One in this many messages is addressed to an entity. */
  addressedEvery: number;
  bots: number;
  botConcurrency: number;
  leaseSeconds: number;
  subscribers: number;
  /** At these fractions of the acknowledged messages the Worker group is SIGKILLed and restarted. */
  workerKillsAt: number[];
  /** At these fractions a random bot is SIGKILLed (and restarted after botDownMs). */
  botKillsAt: number[];
  /** How long the Worker stays dead before it is started again. */
  workerDownMs: [number, number];
  botDownMs: number;
  drainTimeoutMs: number;
  log: (line: string) => void;
}

export interface ChaosReport {
  room: string;
  elapsedMs: number;
  acknowledged: number;
  postRetries: number;
  stored: number;
  lost: number;
  doubled: number;
  storedInSeqOrder: boolean;
  storedTotal: number;
  subscriber: {
    count: number;
    minReceived: number;
    maxReceived: number;
    missing: number;
    doubled: number;
    outOfOrder: number;
    reconnects: number;
    handshakeTimeouts: number;
    stuckAt: number[];
    errors: Record<string, number>;
  };
  addressed: number;
  answeredOnce: number;
  answeredAfterLostLease: number;
  answeredTwice: number;
  failed: number;
  failedReasons: Record<string, number>;
  unresolved: number;
  queueAtEnd: { pending: number; processing: number } | null;
  workerKills: number;
  botKills: number;
  checks: Array<{ name: string; ok: boolean; detail: string }>;
}

const ENTITIES = [
  { id: "sage", username: "Sage", color: "100200150" },
  { id: "wren", username: "Wren", color: "200100150" },
  { id: "moss", username: "Moss", color: "150150100" },
];

export async function runChaos(config: ChaosConfig): Promise<ChaosReport> {
  const started = Date.now();
  const room = `chaos-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const log = config.log;
  const worker = await createRestartableWorker();
  const fake = await startFakeLlm({ latencyMs: [20, 120] });
  const entitiesFile = join(mkdtempSync(join(tmpdir(), "sww-chaos-entities-")), "entities.json");
  writeFileSync(
    entitiesFile,
    JSON.stringify({
      entities: ENTITIES.map((e) => ({
        ...e,
        model: "fake-model",
        systemPrompt: `You are ${e.username}.`,
        contextMessages: 4,
      })),
    }),
  );
  const bots: RunningBot[] = [];
  const subscribers: LiveSubscriber[] = [];
  let botGeneration = 0;
  let botKills = 0;
  const startBotAt = (slot: number) => {
    bots[slot] = spawnBot({
      api: worker.url,
      room,
      workerId: `chaos-bot${slot}-g${++botGeneration}`,
      entitiesFile,
      llm: fake.url,
      concurrency: config.botConcurrency,
      leaseSeconds: config.leaseSeconds,
    });
  };

  try {
    await worker.start();
    log(`room ${room}: Worker up at ${worker.url} after ${Date.now() - started} ms`);
    for (let i = 0; i < config.bots; i++) startBotAt(i);
    for (let i = 0; i < config.subscribers; i++) {
      const s = new LiveSubscriber({ origin: () => worker.url, room, name: `sub${i}`, cursor: 0, maxBackoffMs: 2_000 });
      subscribers.push(s);
      s.start();
    }

    // ── the storm ─────────────────────────────────────────────────────────────────────────
    const acked = new Map<string, Message>();
    const addressedIds = new Set<string>();
    let postRetries = 0;
    const retryReasons = new Map<string, number>();
    let acknowledged = 0;
    const events = [
      ...config.workerKillsAt.map((at) => ({ at, kind: "worker" as const })),
      ...config.botKillsAt.map((at) => ({ at, kind: "bot" as const })),
    ].sort((a, b) => a.at - b.at);
    let chaosBusy: Promise<void> = Promise.resolve();
    const onAck = () => {
      acknowledged++;
      while (events.length && acknowledged >= Math.floor(events[0]!.at * config.messages)) {
        const event = events.shift()!;
        chaosBusy = chaosBusy.then(() => (event.kind === "worker" ? killWorker() : killBot()));
      }
    };
    const killWorker = async () => {
      const at = acknowledged;
      await worker.kill();
      const [min, max] = config.workerDownMs;
      await sleep(min + Math.random() * (max - min));
      const t = Date.now();
      await worker.start();
      log(`Worker SIGKILL ${worker.kills} at ${at} acknowledged; back after ${Date.now() - t} ms of startup`);
    };
    const killBot = async () => {
      const slot = Math.floor(Math.random() * bots.length);
      const victim = bots[slot]!;
      await victim.kill();
      botKills++;
      log(`bot SIGKILL ${botKills}: ${victim.workerId} at ${acknowledged} acknowledged`);
      await sleep(config.botDownMs);
      startBotAt(slot);
    };

    const perPoster = Math.ceil(config.messages / config.posters);
    let next = 0;
    const progress = setInterval(() => log(`… ${acknowledged}/${config.messages} acknowledged`), 10_000);
    await Promise.all(
      Array.from({ length: config.posters }, async (_, p) => {
        for (let n = 0; n < perPoster; n++) {
          const index = next++;
          if (index >= config.messages) return;
          const id = `c${index}-p${p}`;
          const addressed = index % config.addressedEvery === 0;
          const body: PostBody = {
            id,
            text: `chaos ${index} from poster ${p}`,
            username: `poster${p}`,
            color: "100150200",
            "message-type": "human",
            ...(addressed && { botParams: { entity: ENTITIES[index % ENTITIES.length]!.id } }),
          };
          const ack = await postUntilAcknowledged(worker.url, room, body, {
            firstDelayMs: 100,
            maxDelayMs: 2_000,
            attemptTimeoutMs: 10_000,
            giveUpAfterMs: 180_000,
          });
          acked.set(id, ack.message);
          if (addressed) addressedIds.add(id);
          postRetries += ack.attempts - 1;
          for (const r of ack.failures) retryReasons.set(r, (retryReasons.get(r) ?? 0) + 1);
          onAck();
        }
      }),
    );
    clearInterval(progress);
    await chaosBusy;
    log(
      `storm over after ${((Date.now() - started) / 1000).toFixed(1)} s: ${acknowledged} acknowledged, ${postRetries} retries (${fmtMap(retryReasons)})`,
    );

    // ── drain: nothing pending or processing ──────────────────────────────────────────────
    const drainStart = Date.now();
    let queueAtEnd: { pending: number; processing: number } | null = null;
    while (Date.now() - drainStart < config.drainTimeoutMs) {
      queueAtEnd = await queueCounts(worker.url, room).catch(() => null);
      if (queueAtEnd && queueAtEnd.pending === 0 && queueAtEnd.processing === 0) break;
      await sleep(1_000);
    }
    log(`queue drained in ${Date.now() - drainStart} ms: ${JSON.stringify(queueAtEnd)}`);
    for (const bot of bots) await bot.stop();

    // ── compare ───────────────────────────────────────────────────────────────────────────
    const stored = await allMessages(worker.url, room);
    const head = stored.at(-1)?.seq ?? 0;
    const catchUpStart = Date.now();
    while (Date.now() - catchUpStart < 30_000 && !subscribers.every((s) => s.lastCursor >= head)) await sleep(100);
    for (const s of subscribers) s.stop();

    const storedSeqs = stored.map((m) => m.seq);
    const storedInSeqOrder = storedSeqs.every((seq, i) => i === 0 || seq > storedSeqs[i - 1]!);
    const humans = stored.filter((m) => m["message-type"] === "human");
    const byId = countBy(humans, (m) => m.id);
    const byText = countBy(humans, (m) => m.text);
    const lost = [...acked.keys()].filter((id) => !byId.has(id)).length;
    const doubled =
      [...byId.values()].reduce((n, c) => n + c - 1, 0) + [...byText.values()].reduce((n, c) => n + c - 1, 0);
    const seqMismatch = [...acked.values()].filter((m) => humans.find((h) => h.id === m.id)?.seq !== m.seq).length;

    const replies = countBy(
      stored.filter((m) => m["message-type"] === "AI" && m.replyTo),
      (m) => m.replyTo!,
    );
    const storedById = new Map(humans.map((m) => [m.id, m]));
    let answeredOnce = 0;
    // Answered although an earlier lease was lost (a killed bot, an expiry across a Worker restart).
    let answeredAfterLostLease = 0;
    let answeredTwice = 0;
    let failed = 0;
    let unresolved = 0;
    const failedReasons = new Map<string, number>();
    for (const id of addressedIds) {
      const m = storedById.get(id);
      const count = replies.get(id) ?? 0;
      if (count > 1) answeredTwice++;
      const status = m?.botParams?.status;
      if (status === "complete" && count === 1) {
        answeredOnce++;
        if ((m?.botParams?.attempts ?? 0) > 0) answeredAfterLostLease++;
      } else if (status === "failed" && count === 0) {
        failed++;
        const reason = m?.botParams?.error ?? "(no reason)";
        failedReasons.set(reason, (failedReasons.get(reason) ?? 0) + 1);
      } else if (count <= 1) unresolved++;
    }

    const deliveries = subscribers.map((s) => compareDelivery(s.stats.seqs, storedSeqs));
    const received = subscribers.map((s) => s.stats.seqs.length);
    const subErrors = new Map<string, number>();
    for (const s of subscribers)
      for (const [code, n] of s.stats.errors) subErrors.set(code, (subErrors.get(code) ?? 0) + n);
    const subscriber = {
      count: subscribers.length,
      minReceived: Math.min(...received),
      maxReceived: Math.max(...received),
      missing: deliveries.reduce((n, d) => n + d.missing, 0),
      doubled: deliveries.reduce((n, d) => n + d.doubled, 0),
      outOfOrder: deliveries.reduce((n, d) => n + d.outOfOrder, 0),
      reconnects: subscribers.reduce((n, s) => n + s.stats.connects - 1, 0),
      handshakeTimeouts: subscribers.reduce((n, s) => n + s.stats.timeouts, 0),
      stuckAt: [...new Set(subscribers.filter((s) => s.lastCursor < head).map((s) => s.lastCursor))].slice(0, 10),
      errors: Object.fromEntries(subErrors),
    };

    const checks = [
      check("every message acknowledged", acknowledged === config.messages, `${acknowledged}/${config.messages}`),
      check(
        "stored = acknowledged",
        humans.length === acked.size,
        `${humans.length} stored, ${acked.size} acknowledged`,
      ),
      check("lost 0", lost === 0, String(lost)),
      check("doubled 0", doubled === 0, String(doubled)),
      check("acknowledged seq = stored seq", seqMismatch === 0, `${seqMismatch} differ`),
      check("stored in seq order", storedInSeqOrder, storedInSeqOrder ? "ascending" : "NOT ascending"),
      check(
        "every subscriber received every stored message once, in order",
        subscriber.missing === 0 &&
          subscriber.doubled === 0 &&
          subscriber.outOfOrder === 0 &&
          subscriber.minReceived === stored.length,
        `missing ${subscriber.missing}, doubled ${subscriber.doubled}, out of order ${subscriber.outOfOrder}`,
      ),
      check("answered twice 0", answeredTwice === 0, String(answeredTwice)),
      check("every addressed message answered once or failed visibly", unresolved === 0, `${unresolved} unresolved`),
      check(
        "nothing pending or processing",
        queueAtEnd !== null && queueAtEnd.pending === 0 && queueAtEnd.processing === 0,
        JSON.stringify(queueAtEnd),
      ),
      check(
        `Worker SIGKILLs ${config.workerKillsAt.length}`,
        worker.kills === config.workerKillsAt.length,
        String(worker.kills),
      ),
      check(`bot kills ${config.botKillsAt.length}`, botKills === config.botKillsAt.length, String(botKills)),
    ];

    return {
      room,
      elapsedMs: Date.now() - started,
      acknowledged,
      postRetries,
      stored: humans.length,
      lost,
      doubled,
      storedInSeqOrder,
      storedTotal: stored.length,
      subscriber,
      addressed: addressedIds.size,
      answeredOnce,
      answeredAfterLostLease,
      answeredTwice,
      failed,
      failedReasons: Object.fromEntries(failedReasons),
      unresolved,
      queueAtEnd,
      workerKills: worker.kills,
      botKills,
      checks,
    };
  } finally {
    for (const s of subscribers) s.stop();
    await Promise.all(bots.map((b) => b.kill()));
    await fake.close();
    await worker.dispose();
  }
}

/** The lines `npm run chaos` prints (and the test logs). */
export function renderChaosReport(r: ChaosReport): string {
  const s = r.subscriber;
  return [
    `room ${r.room}, ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `acknowledged ${r.acknowledged} (after ${r.postRetries} retries with the same id)`,
    `stored ${r.stored} (+${r.storedTotal - r.stored} AI replies = ${r.storedTotal} in the room, seq order ${r.storedInSeqOrder ? "ascending" : "BROKEN"})`,
    `lost ${r.lost}`,
    `doubled ${r.doubled}`,
    `per-subscriber received ${s.minReceived === s.maxReceived ? s.minReceived : `${s.minReceived}..${s.maxReceived}`} of ${r.storedTotal} (${s.count} subscribers; none twice: ${s.doubled === 0}, none missing: ${s.missing === 0}, out of order ${s.outOfOrder}; ${s.reconnects} reconnects, ${s.handshakeTimeouts} handshake timeouts${s.stuckAt.length ? `, cursors stuck at ${s.stuckAt.join(",")}` : ""}${Object.keys(s.errors).length ? `; error events ${JSON.stringify(s.errors)}` : ""})`,
    `addressed ${r.addressed}`,
    `answered once ${r.answeredOnce} (= A − F = ${r.addressed - r.failed}; ${r.answeredAfterLostLease} of them after an earlier attempt lost its lease)`,
    `failed ${r.failed}${r.failed ? ` ${JSON.stringify(r.failedReasons)}` : ""}`,
    `answered twice ${r.answeredTwice}`,
    `unresolved ${r.unresolved}; queue at end ${JSON.stringify(r.queueAtEnd)}`,
    `Worker SIGKILLs ${r.workerKills}`,
    `bot kills ${r.botKills}`,
    "",
    ...r.checks.map((c) => `${c.ok ? "PASS" : "FAIL"}  ${c.name}: ${c.detail}`),
  ].join("\n");
}

function check(name: string, ok: boolean, detail: string) {
  return { name, ok, detail };
}

async function queueCounts(origin: string, room: string): Promise<{ pending: number; processing: number }> {
  const response = await fetch(`${origin}/api/stats?room=${room}`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`stats → ${response.status}`);
  const body = (await response.json()) as { queue: { pending: number; processing: number } };
  return { pending: body.queue.pending, processing: body.queue.processing };
}

async function allMessages(origin: string, room: string): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor = 0;
  for (;;) {
    const response = await fetch(`${origin}/api/comments?room=${room}&cursor=${cursor}&limit=500`);
    if (!response.ok) throw new Error(`GET comments → ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { comments: Message[]; cursor: number; hasMore: boolean };
    messages.push(...page.comments);
    cursor = page.cursor;
    if (!page.hasMore) return messages;
  }
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function fmtMap(m: Map<string, number>): string {
  return [...m].map(([k, v]) => `${k}: ${v}`).join(", ") || "none";
}
