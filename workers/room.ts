import { DurableObject } from "cloudflare:workers";
import type {
  ClaimNextRequest,
  ClaimRequest,
  CommentsPage,
  CompleteRequest,
  EntitySeen,
  FailRequest,
  HeartbeatRequest,
  Lease,
  Message,
  MessageInput,
  ReleaseRequest,
  Stats,
} from "../types";
import { LEASE } from "../types";
import type { Bindings } from "./app-env";
import { RoomError, type RoomResult } from "./errors";
import { Archive } from "./room/archive";
import { type ArchiveOptions, archiveOptions, normalizeArchiveOptions } from "./room/archive-options";
import { seedForBench } from "./room/bench-seed";
import { Counts } from "./room/counts";
import { Db, usageSince } from "./room/db";
import { History } from "./room/history";
import { Messages, type PageFilter } from "./room/messages";
import { Pollers } from "./room/pollers";
import { type Claim, Queue } from "./room/queue";
import { RateBuckets } from "./room/rate-buckets";
import { SnapshotWriter } from "./room/snapshot-writer";
import { roomStats, StorageTotals } from "./room/stats";
import { Waiters } from "./room/waiters";
import { SNAPSHOT_SIZE, type Snapshot, snapshotKey } from "./snapshot";

const newId = () => crypto.randomUUID();
/** After an archive run that failed or made no progress (R2 down, rows changing), the pause before a retry. */
const ARCHIVE_RETRY_MS = 10_000;

/**
 * One chat room: the single owner of its messages, queue and leases (SQLite), and the only
 * writer of its KV snapshot. Methods are called over RPC by the Worker; each is one transaction.
 */
export class Room extends DurableObject<Bindings> {
  private readonly db: Db;
  private messages!: Messages;
  private queue!: Queue;
  private pollers!: Pollers;
  private counts!: Counts;
  private archive!: Archive;
  private history!: History;
  private archiveOptions!: ArchiveOptions;
  /** When more archiving is due than one alarm may do, the next alarm continues it. */
  private archiveDueAt: number | null = null;
  private readonly waiters = new Waiters();
  private readonly rateBuckets = new RateBuckets();
  private readonly snapshot: SnapshotWriter;
  private readonly storage = new StorageTotals();
  private name = "";
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.db = new Db(ctx.storage);
    this.snapshot = new SnapshotWriter(env.SNAPSHOTS, () => snapshotKey(this.name));
    ctx.blockConcurrencyWhile(async () => {
      this.db.migrate(Date.now());
      this.counts = new Counts(this.db);
      this.messages = new Messages(this.db, this.counts);
      this.queue = new Queue(this.db, this.messages, this.counts, {
        maxAttempts: Math.max(1, Number(env.MAX_ATTEMPTS) || 3),
        newToken: newId,
        newId,
      });
      this.pollers = new Pollers(this.db);
      this.archive = new Archive(this.db, env.ARCHIVE, this.counts, () => ctx.storage.sql.databaseSize);
      // Every row may have moved to R2 (seq never goes back), so head is at least the archive's top.
      this.messages.head = Math.max(this.messages.head, this.archive.floor);
      this.history = new History(this.messages, this.archive);
      const stored = this.db.one<{ value: string }>("SELECT value FROM meta WHERE key = 'archive:options'")?.value;
      this.archiveOptions = stored
        ? normalizeArchiveOptions(JSON.parse(stored) as ArchiveOptions)
        : archiveOptions(env);
      this.name = this.db.one<{ value: string }>("SELECT value FROM meta WHERE key = 'name'")?.value ?? "";
      this.alarmAt = await ctx.storage.getAlarm();
    });
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a post. `limit` (absent for the bot and admin) rate-limits the client: checked here,
   * in the object that stores the post, so it costs no extra round trip. A replay of a stored id
   * is answered before the limit is charged.
   */
  async post(
    room: string,
    input: MessageInput,
    domainFallback: string,
    limit: { client: string; perMinute: number } | null,
  ): Promise<RoomResult<Message>> {
    return this.runAsync(room, async () => {
      const admit = () => {
        if (!limit) return;
        const retryAfter = this.rateBuckets.take(limit.client, limit.perMinute, Date.now());
        if (retryAfter > 0) {
          throw new RoomError(
            "rate_limited",
            `Too many messages: the limit is ${limit.perMinute} a minute. Try again in ${retryAfter} s.`,
            retryAfter,
          );
        }
      };
      const post = (archivedCandidates?: (id: string) => number[]) =>
        this.messages.post(input, { now: Date.now(), domainFallback, newId, admit, archivedCandidates });
      let result = post((id) => this.archive.candidates(id));
      if ("archived" in result) {
        // The id may belong to an archived message: a replay answers with it, as for a hot one.
        const stored = await this.archive.findArchived(input.id ?? "", result.archived);
        if (stored) return { value: stored, status: 200 };
        result = post(); // a hash collision with another id: this is a new message
      }
      if ("archived" in result) throw new Error("post without archive lookup returned an archive hit");
      if (result.created) {
        this.changed();
        if (result.message.botParams) this.waiters.wakeAll();
      }
      return { value: result.message, status: result.created ? 201 : 200 };
    });
  }

  /** Messages after `cursor`, ascending; continues into the archive when `cursor` is below the hot window. */
  async after(room: string, cursor: number, limit: number, filter: PageFilter): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(room, () => ({ value: this.history.after(cursor, limit, filter) }));
  }

  /** The newest messages, or those before `before`, across hot rows and the archive. */
  async latest(
    room: string,
    limit: number,
    filter: PageFilter,
    before: number | null,
  ): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(room, () => ({ value: this.history.before(limit, filter, before) }));
  }

  /**
   * The recent-window read when KV had no usable snapshot: answer from SQLite (an indexed
   * LIMIT, never a scan) and schedule a rewrite of the snapshot.
   */
  async latestAndRepair(room: string, limit: number, kvReads: number): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(room, () => {
      this.storage.kvReads += kvReads;
      this.changed();
      return { value: this.history.before(limit, { type: "ALL", users: [] }, null) };
    });
  }

  /** Messages committed after the snapshot the Worker read from KV (counts that KV read). */
  async afterSnapshot(room: string, seq: number, limit: number, kvReads: number): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(room, () => {
      this.storage.kvReads += kvReads;
      return { value: this.history.after(seq, limit, { type: "ALL", users: [] }) };
    });
  }

  sinceTimestamp(room: string, ms: number, limit: number, type: PageFilter["type"]): RoomResult<Message[]> {
    return this.run(room, () => ({ value: this.messages.sinceTimestamp(ms, limit, type) }));
  }

  byIds(room: string, ids: string[]): RoomResult<Message[]> {
    return this.run(room, () => ({ value: this.messages.byIds(ids) }));
  }

  setProcessed(room: string, id: string, processed: boolean): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.messages.setProcessed(id, processed);
      this.changed();
      return { value };
    });
  }

  lastPostAt(room: string): RoomResult<number> {
    return this.run(room, () => ({ value: this.messages.lastTimestamp }));
  }

  // ── queue ───────────────────────────────────────────────────────────────────────────────

  async pending(
    room: string,
    q: { entity?: string; limit: number; wait: number; workerId?: string },
  ): Promise<RoomResult<Message[]>> {
    const deadline = Date.now() + q.wait * 1000;
    for (;;) {
      const result = this.run(room, () => {
        this.pollers.record(q.workerId, q.entity ? [q.entity] : undefined, Date.now());
        this.expireLeases();
        return { value: this.queue.pending(q.entity, q.limit) };
      });
      if (!result.ok || result.value.length > 0 || Date.now() >= deadline) return result;
      await this.waiters.wait(deadline - Date.now());
    }
  }

  claim(room: string, req: ClaimRequest): RoomResult<Claim> {
    return this.run(room, () => {
      this.expireLeases();
      const value = this.queue.claim(req.messageId, req.workerId, leaseSeconds(req.leaseSeconds), Date.now());
      this.changed();
      return { value };
    });
  }

  /** Claims the most urgent pending message, long-polling up to `wait` seconds. 204 when none. */
  async claimNext(room: string, req: ClaimNextRequest): Promise<RoomResult<Claim | null>> {
    const deadline = Date.now() + (req.wait ?? 0) * 1000;
    for (;;) {
      const result = this.run(room, () => {
        const now = Date.now();
        this.pollers.record(req.workerId, req.entities, now, req.profiles);
        this.expireLeases();
        const claim = this.queue.claimNext(req.workerId, req.entities, leaseSeconds(req.leaseSeconds), now);
        if (claim) this.changed();
        return claim ? { value: claim } : { value: null, status: 204 as const };
      });
      if (!result.ok || result.value || Date.now() >= deadline) return result;
      await this.waiters.wait(deadline - Date.now());
    }
  }

  heartbeat(room: string, req: HeartbeatRequest): RoomResult<Lease> {
    return this.run(room, () => {
      this.expireLeases();
      // A later expiry needs no new alarm: the earlier one finds nothing expired and re-arms.
      const value = this.queue.heartbeat(req.messageId, req.leaseToken, leaseSeconds(req.leaseSeconds), Date.now());
      return { value };
    });
  }

  complete(room: string, req: CompleteRequest): RoomResult<Message | null> {
    return this.run(room, () => {
      this.expireLeases();
      const value = this.queue.complete(req.messageId, req.leaseToken, req.reply, Date.now());
      this.changed();
      return { value };
    });
  }

  fail(room: string, req: FailRequest): RoomResult<{ status: "pending" | "failed"; attempts: number }> {
    return this.run(room, () => {
      this.expireLeases();
      const value = this.queue.fail(req.messageId, req.leaseToken, req.error, req.retryable ?? false);
      this.changed();
      if (value.status === "pending") this.waiters.wakeAll();
      return { value };
    });
  }

  release(room: string, req: ReleaseRequest): RoomResult<null> {
    return this.run(room, () => {
      this.expireLeases();
      this.queue.release(req.messageId, req.leaseToken);
      this.changed();
      this.waiters.wakeAll();
      return { value: null };
    });
  }

  requeue(room: string, messageId: string): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.queue.requeue(messageId);
      this.changed();
      this.waiters.wakeAll();
      return { value };
    });
  }

  failByHand(room: string, messageId: string, error: string): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.queue.failByHand(messageId, error);
      this.changed();
      return { value };
    });
  }

  entities(room: string): RoomResult<EntitySeen[]> {
    return this.run(room, () => ({ value: this.pollers.entities() }));
  }

  stats(room: string): RoomResult<Stats> {
    return this.run(room, () => ({
      value: {
        ...roomStats({
          room,
          db: this.db,
          counts: this.counts.all(),
          headSeq: this.messages.head,
          bots: this.pollers.bots(),
          storage: this.storage.read(this.db.totals(), this.snapshot.writes),
          now: Date.now(),
        }),
        archive: this.archive.stats(),
      },
    }));
  }

  /**
   * Bench and test rooms only (the routes calling it are behind BENCH_ROUTES): a tiny hot window
   * so archiving can be exercised without millions of messages. Stored, so it survives restarts.
   */
  setArchiveOptions(room: string, options: ArchiveOptions): RoomResult<ArchiveOptions> {
    return this.run(room, () => {
      this.archiveOptions = normalizeArchiveOptions(options);
      this.db.run(
        "INSERT INTO meta (key, value) VALUES ('archive:options', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        JSON.stringify(this.archiveOptions),
      );
      // No alarm of its own: the next change schedules one, which archives what is due.
      return { value: this.archiveOptions };
    });
  }

  /** Bench only: appends `count` settled messages, archiving past the hot window as the alarm would. */
  async benchSeed(room: string, count: number): Promise<RoomResult<Awaited<ReturnType<typeof seedForBench>>>> {
    return this.runAsync(room, async () => {
      const deps = { db: this.db, messages: this.messages, archive: this.archive };
      const value = await seedForBench(deps, room, count, this.archiveOptions, Date.now());
      this.changed();
      return { value };
    });
  }

  /** One archive run now (what the alarm does); `afterWrite` lets a test crash it mid-way. */
  async archiveNow(hooks: { afterWrite?: () => void } = {}) {
    const result = await this.archive.run(this.name, this.archiveOptions, Date.now(), hooks);
    // Progress and more due: continue at once (another bounded step). A failed run, or one that
    // could not write a segment (rows changed meanwhile, or too few settled yet), retries later.
    if (result.more && result.run.segments > 0) this.archiveDueAt = Date.now();
    else if (result.more || result.run.error !== null) this.archiveDueAt = Date.now() + ARCHIVE_RETRY_MS;
    else this.archiveDueAt = null;
    this.scheduleAlarm();
    return result;
  }

  // ── alarm: lease expiry and the coalesced snapshot write ───────────────────────────────────

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.archiveDueAt = null;
    this.expireLeases();
    try {
      await this.snapshot.flush(() => this.buildSnapshot(), Date.now());
    } catch (error) {
      console.error(`[room ${this.name}] snapshot write failed; will retry`, error);
    }
    // Bounded: at most a few segments per alarm; if more is due, another alarm follows at once.
    if (this.name && this.archive.due(this.archiveOptions)) await this.archiveNow();
    this.scheduleAlarm();
  }

  private async buildSnapshot(): Promise<Snapshot> {
    const page = await this.history.before(SNAPSHOT_SIZE, { type: "ALL", users: [] }, null);
    return { v: 1, seq: page.cursor, comments: page.comments };
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────

  /**
   * Runs one synchronous unit of work: remembers the room's name (the alarm needs it to find
   * the KV key), measures the rows it touched, and turns a RoomError into a value.
   */
  private run<T>(room: string, fn: () => { value: T; status?: 200 | 201 | 204 }): RoomResult<T> {
    if (room !== this.name) this.rememberName(room);
    const before = this.db.totals();
    try {
      const { value, status } = fn();
      return { ok: true, value, status, usage: usageSince(before, this.db.totals()) };
    } catch (error) {
      const usage = usageSince(before, this.db.totals());
      if (error instanceof RoomError) {
        return { ok: false, code: error.code, error: error.message, retryAfter: error.retryAfter, usage };
      }
      throw error;
    }
  }

  /** {@link run} for work that may await the archive (R2); the hot-only path inside stays synchronous. */
  private async runAsync<T>(
    room: string,
    fn: () => { value: T | Promise<T>; status?: 200 | 201 | 204 } | Promise<{ value: T; status?: 200 | 201 | 204 }>,
  ): Promise<RoomResult<T>> {
    if (room !== this.name) this.rememberName(room);
    const before = this.db.totals();
    try {
      const { value, status } = await fn();
      return { ok: true, value: await value, status, usage: usageSince(before, this.db.totals()) };
    } catch (error) {
      const usage = usageSince(before, this.db.totals());
      if (error instanceof RoomError) {
        return { ok: false, code: error.code, error: error.message, retryAfter: error.retryAfter, usage };
      }
      throw error;
    }
  }

  private rememberName(room: string): void {
    this.name = room;
    this.db.run(
      "INSERT INTO meta (key, value) VALUES ('name', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      room,
    );
  }

  private expireLeases(): void {
    if (this.queue.expireLeases(Date.now()) > 0) {
      this.changed();
      this.waiters.wakeAll();
    }
  }

  /** Something visible changed: the snapshot needs rewriting (coalesced by the alarm). */
  private changed(): void {
    this.snapshot.markDirty();
    this.scheduleAlarm();
  }

  /** Keeps one alarm set at the earliest of: the next lease expiry, the next snapshot write. */
  private scheduleAlarm(): void {
    const candidates = [this.queue.nextLeaseExpiry(), this.snapshot.dueAt(), this.archiveDueAt].filter(
      (t): t is number => t !== null,
    );
    if (candidates.length === 0) return;
    const next = Math.max(Date.now(), Math.min(...candidates));
    if (this.alarmAt !== null && this.alarmAt <= next) return;
    this.alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }
}

function leaseSeconds(requested: number | undefined): number {
  return requested ?? LEASE.defaultSeconds;
}
