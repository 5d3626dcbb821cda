// Shared by the bot's cross-process tests: talk to the real Worker, run real bot processes.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Message } from "../../types/message.ts";
import { type BotLaunch, launchBot } from "../support/bot-process.ts";
import type { FakeLlm } from "../support/fake-llm.ts";
import { ADMIN_TOKEN, BOT_TOKEN, startWorker, type WorkerProcess } from "../support/worker-process.ts";

export interface BotWorld {
  /** The real Worker, one per test file. */
  worker: WorkerProcess;
  /** The fake LLM a test started, if any: closed after each test. */
  fake?: FakeLlm;
}

/** Starts the Worker for the file, and after each test stops its bots and its fake LLM. */
export function useBotWorld(): BotWorld {
  const world = {} as BotWorld;
  beforeAll(async () => {
    world.worker = await startWorker();
  });
  afterEach(async () => {
    await killAllBots();
    await world.fake?.close();
    world.fake = undefined;
  });
  afterAll(async () => {
    await world.worker?.stop();
  });
  return world;
}

export interface TestEntity {
  id: string;
  username: string;
  color: string;
  model?: string;
  systemPrompt?: string;
  contextMessages?: number;
  filterOut?: string[];
  trimAfter?: string[];
  enabled?: boolean;
  maxTokens?: number;
  thinking?: "off" | "low" | "medium" | "high";
}

/** Writes an entities file in a fresh temp dir and returns its path. */
export function writeEntities(entities: TestEntity[], file?: string): string {
  const path = file ?? join(mkdtempSync(join(tmpdir(), "sww-entities-")), "entities.json");
  const full = entities.map((e) => ({ model: "fake-model", systemPrompt: `You are ${e.username}.`, ...e }));
  writeFileSync(path, JSON.stringify({ entities: full }, null, 2));
  return path;
}

export interface PostOptions {
  id: string;
  text: string;
  username?: string;
  color?: string;
  entity?: string;
  ais?: string;
  context?: string[];
  type?: "human" | "AI";
  replyTo?: string;
}

/** Posts a message as a person would (or as an entity, with the bot token, for seeding history). */
export async function post(api: string, room: string, m: PostOptions): Promise<Message> {
  const ai = m.type === "AI";
  const response = await fetch(`${api}/api/comments?room=${room}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(ai && { authorization: `Bearer ${BOT_TOKEN}` }) },
    body: JSON.stringify({
      id: m.id,
      text: m.text,
      username: m.username ?? "alice",
      color: m.color ?? "255100050",
      "message-type": m.type ?? "human",
      ...(m.replyTo && { replyTo: m.replyTo }),
      ...(m.context && { context: m.context }),
      ...(m.entity && { botParams: { entity: m.entity, ...(m.ais && { ais: m.ais }) } }),
    }),
  });
  if (response.status !== 201) throw new Error(`post ${m.id} → ${response.status}: ${await response.text()}`);
  return (await response.json()) as Message;
}

/** Every message of the room, oldest first. */
export async function allMessages(api: string, room: string): Promise<Message[]> {
  const messages: Message[] = [];
  let cursor = 0;
  for (let page = 0; page < 100; page++) {
    const response = await fetch(`${api}/api/comments?room=${room}&cursor=${cursor}&limit=500`);
    const body = (await response.json()) as { comments: Message[]; cursor: number; hasMore: boolean };
    messages.push(...body.comments);
    cursor = body.cursor;
    if (!body.hasMore) return messages;
  }
  throw new Error("more pages than expected");
}

/**
 * The current state of some messages (queue status, attempts, error), through the public API: its
 * public view unless `token` is given (a bot or admin token reads lease holders and raw errors).
 */
export async function statusOf(api: string, room: string, ids: string[], token?: string): Promise<Message[]> {
  const found: Message[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100).join(",");
    const response = await fetch(`${api}/api/comments/status?room=${room}&ids=${chunk}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    found.push(...((await response.json()) as { comments: Message[] }).comments);
  }
  return found;
}

export async function stats(api: string, room: string) {
  // Lease holders are admin-only detail on /api/stats.
  const response = await fetch(`${api}/api/stats?room=${room}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return (await response.json()) as {
    queue: { pending: number; processing: number; complete: number; failed: number };
    leases: { messageId: string; claimedBy: string; expiresAt: number; attempts: number }[];
  };
}

/** Polls `check` until it returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ── bot processes ──────────────────────────────────────────────────────────────────────────

export interface BotEvent {
  time: string;
  level: "info" | "warn" | "error";
  event: string;
  msg: string;
  [field: string]: unknown;
}

export interface BotProcess {
  workerId: string;
  child: ChildProcess;
  events: BotEvent[];
  /** Raw output (stdout and stderr), for failure messages. */
  output: string[];
  exited: Promise<number | null>;
  waitForEvent(what: string, match: (e: BotEvent) => boolean, timeoutMs: number): Promise<BotEvent>;
  /** SIGINT (graceful) and wait for exit; SIGKILL if it does not exit in time. Returns the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

export type BotOptions = BotLaunch;

const running = new Set<BotProcess>();

/** Runs `node bot/cli.ts --json …` the way `npm run bot` does. */
export function startBot(options: BotOptions): BotProcess {
  const events: BotEvent[] = [];
  const output: string[] = [];
  const child = launchBot(options, (line) => {
    output.push(line);
    try {
      events.push(JSON.parse(line) as BotEvent);
    } catch {
      // not a log line
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const bot: BotProcess = {
    workerId: options.workerId,
    child,
    events,
    output,
    exited,
    waitForEvent: (what, match, timeoutMs) =>
      waitFor(`${options.workerId}: ${what}`, () => events.find(match), timeoutMs, 100).catch((error) => {
        throw new Error(`${(error as Error).message}\n--- ${options.workerId} output ---\n${output.join("\n")}`);
      }),
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  running.add(bot);
  void exited.then(() => running.delete(bot));
  return bot;
}

/** Kills every bot a test left running (call from afterEach/afterAll). */
export async function killAllBots(): Promise<void> {
  await Promise.all(
    [...running].map(async (bot) => {
      bot.child.kill("SIGKILL");
      await bot.exited;
    }),
  );
}

/** Job outcome lines of a bot. */
export function jobEvents(bot: BotProcess): BotEvent[] {
  return bot.events.filter((e) => e.event === "job");
}
