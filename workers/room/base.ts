import { DurableObject } from "cloudflare:workers";
import { LEASE, LIVE, MODERATION, PROGRESS } from "../../types";
import type { Bindings } from "../app-env";
import { config } from "../config";
import type { RoomResult } from "../errors";
import { SNAPSHOT_SIZE, type Snapshot, snapshotKey } from "../snapshot";
import { UnitOfWork } from "../unit-of-work";
import { Archive } from "./archive";
import { type ArchiveOptions, archiveOptions, normalizeArchiveOptions } from "./archive-options";
import { Audit } from "./audit";
import { Changes } from "./changes";
import { RoomClock } from "./clock";
import { Counts } from "./counts";
import { Db } from "./db";
import { Drafts } from "./drafts";
import type { RoomEvents } from "./events";
import { AfterEffects } from "./front/after-effects";
import { CHANGES_PAGE, MessageDoor } from "./front/messages";
import { ModerationDoor } from "./front/moderation";
import type { RoomParts } from "./front/parts";
import { QueueDoor } from "./front/queue";
import { History } from "./history";
import { Jobs } from "./jobs";
import { LegacyFlow } from "./legacy";
import { readLines } from "./lines";
import { LiveHub } from "./live";
import { Messages } from "./messages";
import { Mutes } from "./mutes";
import { Participants } from "./participants";
import { Pollers } from "./pollers";
import { PostAddresses } from "./post-addresses";
import { Queue } from "./queue";
import { RateBuckets } from "./rate-buckets";
import { Removals } from "./removals";
import { MinuteSeries } from "./series";
import { queueGauges, SqlSeriesStore } from "./series-store";
import { SnapshotWriter } from "./snapshot-writer";
import { StorageTotals } from "./stats";
import { Waiters } from "./waiters";

const newId = () => crypto.randomUUID();
/** After an archive run that failed or made no progress (R2 down, rows changing), the pause before a retry. */
const ARCHIVE_RETRY_MS = 10_000;
/** Segments one alarm may rewrite to write in the tombstones of archived removals past their grace period. */
const PURGE_SEGMENTS_PER_ALARM = 4;
/** The soonest a lease or removal made now can expire (see scheduleAlarm). */
const SOONEST_NEW_EXPIRY_MS = Math.min(LEASE.minSeconds * 1000, MODERATION.graceMs);

/**
 * The room's parts and upkeep: the constructor wires the parts (SQLite tables, the live hub, the
 * front doors holding the method bodies); the alarm expires leases, writes the snapshot, archives
 * and purges. The RPC surface the Worker calls is the subclass, Room (workers/room.ts).
 */
export abstract class RoomBase extends DurableObject<Bindings> {
  protected readonly db: Db;
  protected messages!: Messages;
  private queue!: Queue;
  private jobs!: Jobs;
  protected participants!: Participants;
  protected pollers!: Pollers;
  private legacy!: LegacyFlow;
  protected counts!: Counts;
  private changes!: Changes;
  private removals!: Removals;
  private mutes!: Mutes;
  private audit!: Audit;
  private postAddresses!: PostAddresses;
  protected series!: MinuteSeries;
  protected archive!: Archive;
  private history!: History;
  protected archiveOptions!: ArchiveOptions;
  /** When more archiving is due than one alarm may do, the next alarm continues it. */
  private archiveDueAt: number | null = null;
  /** After a failed segment rewrite for an archived removal, not before this time again. */
  private purgeRetryAt: number | null = null;
  private readonly waiters = new Waiters();
  private readonly polling = { now: () => this.clock.now(), wait: (ms: number) => this.waiters.wait(ms) };
  private readonly rateBuckets = new RateBuckets();
  protected readonly snapshot: SnapshotWriter;
  /** Every time the room reads; tests move it forward instead of sleeping (workers/room/clock.ts). */
  readonly clock = new RoomClock();
  protected readonly storage = new StorageTotals(() => this.clock.now());
  protected readonly live: LiveHub;
  private readonly drafts = new Drafts(() => this.clock.now(), PROGRESS.minIntervalMs);
  protected name = "";
  private alarmAt: number | null = null;
  protected messageDoor!: MessageDoor;
  protected queueDoor!: QueueDoor;
  protected moderationDoor!: ModerationDoor;
  private effects!: AfterEffects;
  /** Every call: rolls the series, measures the rows and KV writes it cost, returns a RoomError as a value. */
  protected readonly work = new UnitOfWork({
    begin: () => this.series.roll(),
    // Server-Timing counts storage work where it happens: rows here, and the snapshot writer's KV writes.
    measure: () => ({ ...this.db.totals(), kvWrites: this.snapshot.writes }),
  });

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.db = new Db(ctx.storage);
    this.snapshot = new SnapshotWriter(env.SNAPSHOTS, () => snapshotKey(this.name));
    // Made before the wiring below (it only keeps these closures), so the front doors can hold it.
    this.live = new LiveHub(
      ctx,
      {
        head: () => this.messages.head,
        floor: () => this.archive.floor,
        after: (cursor, limit) => this.messages.after(cursor, limit, { type: "ALL", users: [] }),
        authorOf: (id) => this.messages.authorOf(id),
        entities: () => this.pollers.entities(),
        drafts: () => {
          const drafts = this.drafts.all();
          if (drafts.length === 0) return [];
          const questions = new Map(this.messages.byIds(drafts.map((d) => d.messageId)).map((m) => [m.id, m]));
          return drafts.flatMap((draft) => {
            const question = questions.get(draft.messageId);
            return question ? [{ draft, question }] : [];
          });
        },
        changesSince: (rev) => {
          // Synchronous (no broadcast may overtake a catch-up): archived entries without R2.
          const { archived, ...page } = this.changes.since(rev, CHANGES_PAGE);
          return archived.length ? { ...page, updated: [...page.updated, ...this.archive.atSeqsNow(archived)] } : page;
        },
        lines: () => readLines(this.db),
        muted: (who) => this.mutes.isMuted(who, this.clock.now()),
      },
      () => this.clock.now(),
    );
    ctx.blockConcurrencyWhile(async () => {
      this.db.migrate(this.clock.now());
      // `messages` is set just below; the head is only read once the room is up.
      this.counts = new Counts(this.db, () => this.messages.head);
      // Committed steps feed the per-minute series (memory only; one row per closed minute).
      const events: RoomEvents = {
        stored: (type) => this.series.message(type),
        answered: (questionTs) => this.series.answered(questionTs),
        failed: () => this.series.failed(),
      };
      this.messages = new Messages(this.db, this.counts, events);
      this.jobs = new Jobs(this.db, this.counts, events);
      this.participants = new Participants(this.db, this.messages, this.jobs);
      this.messages.addressing = this.participants;
      this.queue = new Queue(this.db, this.messages, this.counts, {
        maxAttempts: config(env).MAX_ATTEMPTS,
        newToken: newId,
        newId,
        events,
        jobs: this.jobs,
        participants: this.participants,
      });
      this.series = new MinuteSeries(new SqlSeriesStore(this.db), {
        now: () => this.clock.now(),
        storage: () => ({ kvReads: this.storage.kvReads, kvWrites: this.snapshot.writes, ...this.db.totals() }),
        gauges: () => queueGauges(this.db, this.counts.all(), this.clock.now()),
      });
      this.pollers = new Pollers(this.db);
      // The entities a mention may name, in memory so resolving one reads no row (E7).
      this.participants.learn(this.pollers.entities());
      this.legacy = new LegacyFlow(this.db, this.messages, this.counts, this.jobs);
      this.changes = new Changes(this.db);
      this.audit = new Audit(this.db);
      this.archive = new Archive(this.db, env.ARCHIVE, this.counts, () => ctx.storage.sql.databaseSize);
      this.removals = new Removals(this.db, this.counts, this.changes, this.audit, this.archive, this.jobs);
      this.mutes = new Mutes(this.db);
      this.postAddresses = new PostAddresses();
      // Every row may have moved to R2 (seq never goes back), so head is at least the archive's top.
      this.messages.head = Math.max(this.messages.head, this.archive.floor);
      this.history = new History(this.messages, this.archive);
      const stored = this.db.one<{ value: string }>("SELECT value FROM meta WHERE key = 'archive:options'")?.value;
      this.archiveOptions = stored
        ? normalizeArchiveOptions(JSON.parse(stored) as ArchiveOptions)
        : archiveOptions(env);
      // The room is its object's name (idFromName); kept in meta as well so a tool reading the
      // database, or an id made without a name, still knows which room it is.
      const storedName = this.db.one<{ value: string }>("SELECT value FROM meta WHERE key = 'name'")?.value;
      this.name = ctx.id.name ?? storedName ?? "";
      if (this.name && this.name !== storedName) this.rememberName(this.name);
      this.wireFrontDoors();
      this.alarmAt = await ctx.storage.getAlarm();
    });
    // Keep-alives are answered by the runtime itself, so an idle room full of sockets stays asleep.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(LIVE.ping, LIVE.pong));
  }

  /**
   * Test and bench rooms only (no production route calls it: the archive tests call it on the
   * stub, the bench build through workers/bench/): a tiny hot window so archiving can be
   * exercised without millions of messages. Stored, so it survives restarts.
   */
  setArchiveOptions(options: ArchiveOptions): RoomResult<ArchiveOptions> {
    return this.work.run(() => {
      this.archiveOptions = normalizeArchiveOptions(options);
      this.db.run(
        "INSERT INTO meta (key, value) VALUES ('archive:options', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        JSON.stringify(this.archiveOptions),
      );
      // No alarm of its own: the next change schedules one, which archives what is due.
      return { value: this.archiveOptions };
    });
  }

  /** One archive run now (what the alarm does); `afterWrite` lets a test crash it mid-way. */
  async archiveNow(hooks: { afterWrite?: () => void } = {}) {
    const result = await this.archive.run(this.name, this.archiveOptions, this.clock.now(), hooks);
    // Progress and more due: continue at once (another bounded step). A failed run, or one that
    // could not write a segment (rows changed meanwhile, or too few settled yet), retries later.
    if (result.more && result.run.segments > 0) this.archiveDueAt = this.clock.now();
    else if (result.more || result.run.error !== null) this.archiveDueAt = this.clock.now() + ARCHIVE_RETRY_MS;
    else this.archiveDueAt = null;
    this.scheduleAlarm();
    return result;
  }

  // ── alarm: lease expiry and the coalesced snapshot write ───────────────────────────────────

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.series.roll();
    this.archiveDueAt = null;
    this.expireLeases();
    this.removals.purgeExpired(this.clock.now());
    await this.purgeArchivedRemovals();
    try {
      await this.snapshot.flush(() => this.buildSnapshot(), this.clock.now());
    } catch (error) {
      console.error(`[room ${this.name}] snapshot write failed; will retry`, error);
    }
    // Bounded: at most a few segments per alarm; if more is due, another alarm follows at once.
    if (this.name && this.archive.due(this.archiveOptions)) await this.archiveNow();
    this.scheduleAlarm();
  }

  /**
   * Writes the tombstones of archived messages whose grace period ended into their segments
   * (bounded per alarm; more due continues at once, an R2 failure retries later).
   */
  private async purgeArchivedRemovals(): Promise<void> {
    if (this.purgeRetryAt !== null && this.purgeRetryAt > this.clock.now()) return;
    this.purgeRetryAt = null;
    try {
      await this.archive.purgeRemovals(this.clock.now(), PURGE_SEGMENTS_PER_ALARM);
    } catch (error) {
      console.error(`[room ${this.name}] rewriting a segment for a removal failed; will retry`, error);
      this.purgeRetryAt = this.clock.now() + ARCHIVE_RETRY_MS;
    }
  }

  /** When archived removals next need their segments rewritten. */
  private purgeDueAt(): number | null {
    const next = this.archive.nextRemovalExpiry();
    return next === null ? null : Math.max(next, this.purgeRetryAt ?? 0);
  }

  private async buildSnapshot(): Promise<Snapshot> {
    const page = await this.history.before(SNAPSHOT_SIZE, { type: "ALL", users: [] }, null);
    return { v: 1, seq: page.cursor, rev: this.changes.head, comments: page.comments };
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────

  /** The parts are wired; the front doors get them all, and the after-effects of a queue move. */
  private wireFrontDoors(): void {
    this.effects = new AfterEffects({
      queue: this.queue,
      messages: this.messages,
      changes: this.changes,
      drafts: this.drafts,
      live: this.live,
      waiters: this.waiters,
      now: () => this.clock.now(),
      changed: () => this.changed(),
    });
    const parts: RoomParts = {
      db: this.db,
      messages: this.messages,
      queue: this.queue,
      participants: this.participants,
      pollers: this.pollers,
      legacy: this.legacy,
      changes: this.changes,
      removals: this.removals,
      mutes: this.mutes,
      audit: this.audit,
      postAddresses: this.postAddresses,
      archive: this.archive,
      history: this.history,
      rateBuckets: this.rateBuckets,
      storage: this.storage,
      live: this.live,
      drafts: this.drafts,
      clock: this.clock,
      polling: this.polling,
      work: this.work,
      effects: this.effects,
      changed: () => this.changed(),
    };
    this.messageDoor = new MessageDoor(parts);
    this.queueDoor = new QueueDoor(parts);
    this.moderationDoor = new ModerationDoor(parts);
  }

  private rememberName(room: string): void {
    this.name = room;
    this.db.run(
      "INSERT INTO meta (key, value) VALUES ('name', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      room,
    );
  }

  /** The alarm's sweep of leases past their expiry (every queue step sweeps first as well). */
  private expireLeases(): void {
    this.effects.expireLeases();
  }

  /** Something visible changed: the snapshot needs rewriting (coalesced by the alarm). */
  protected changed(): void {
    this.snapshot.markDirty(this.clock.now());
    this.scheduleAlarm();
  }

  /**
   * Keeps one alarm set at the earliest of: the next lease expiry, the next snapshot write, the
   * next removal or archive step, the minute series' roll.
   */
  private scheduleAlarm(): void {
    const now = this.clock.now();
    const inMemory = [this.snapshot.dueAt(), this.purgeDueAt(), this.series.dueAt(), this.archiveDueAt];
    // Leases and removals are read from SQLite, which every post would pay (~0.6 ms, the fan-out
    // profile). They need no reading while an alarm is set sooner than any new one could be due:
    // a lease lasts at least LEASE.minSeconds and a removal's grace far longer, every expiry that
    // existed when the alarm was set is at or after it, and the alarm reschedules from all of them.
    const candidates = (
      this.alarmAt !== null && this.alarmAt <= now + SOONEST_NEW_EXPIRY_MS
        ? inMemory
        : [this.queue.nextLeaseExpiry(), this.removals.nextExpiry(), ...inMemory]
    ).filter((t): t is number => t !== null);
    if (candidates.length === 0) return;
    const next = Math.max(now, Math.min(...candidates));
    if (this.alarmAt !== null && this.alarmAt <= next) return;
    this.alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }
}
