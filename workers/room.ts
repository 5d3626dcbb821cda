import { DurableObject } from "cloudflare:workers";
import type {
  AuditEntry,
  ClaimNextRequest,
  ClaimRequest,
  CommentsPage,
  CompleteRequest,
  EntityProfile,
  EntityScope,
  EntitySeen,
  FailRequest,
  HeartbeatRequest,
  Lease,
  Message,
  MessageInput,
  Mute,
  MuteRequest,
  ProgressRequest,
  ReleaseRequest,
  RemoveRequest,
  Stats,
} from "../types";
import { describeTarget, LEASE, LIVE, liveParamsSchema, type MuteTarget, PROGRESS } from "../types";
import type { Bindings } from "./app-env";
import { config } from "./config";
import { RoomError, type RoomResult, type StorageUsage } from "./errors";
import { Archive } from "./room/archive";
import { type ArchiveOptions, archiveOptions, normalizeArchiveOptions } from "./room/archive-options";
import { Audit } from "./room/audit";
import { Changes } from "./room/changes";
import { RoomClock } from "./room/clock";
import { Counts } from "./room/counts";
import { Db, usageSince } from "./room/db";
import { Drafts } from "./room/drafts";
import type { RoomEvents } from "./room/events";
import { History } from "./room/history";
import { LegacyFlow } from "./room/legacy";
import { LIVE_PARAMS_HEADER, LiveHub } from "./room/live";
import { longPoll } from "./room/long-poll";
import { Messages, type PageFilter } from "./room/messages";
import { Mutes } from "./room/mutes";
import { Pollers } from "./room/pollers";
import { PostAddresses } from "./room/post-addresses";
import { type Claim, Queue } from "./room/queue";
import { RateBuckets } from "./room/rate-buckets";
import { type ModerationOutcome, Removals } from "./room/removals";
import { assertMessageInScope, assertPostInScope } from "./room/scope";
import { MinuteSeries } from "./room/series";
import { queueGauges, SqlSeriesStore } from "./room/series-store";
import { SnapshotWriter } from "./room/snapshot-writer";
import { roomStats, StorageTotals } from "./room/stats";
import { Waiters } from "./room/waiters";
import { SNAPSHOT_SIZE, type Snapshot, type SnapshotDelta, snapshotKey } from "./snapshot";

const newId = () => crypto.randomUUID();
/** After an archive run that failed or made no progress (R2 down, rows changing), the pause before a retry. */
const ARCHIVE_RETRY_MS = 10_000;
/** Segments one alarm may rewrite to write in the tombstones of archived removals past their grace period. */
const PURGE_SEGMENTS_PER_ALARM = 4;

/**
 * One chat room: the single owner of its messages, queue and leases (SQLite), and the only
 * writer of its KV snapshot. Methods are called over RPC by the Worker; each is one transaction.
 */
export class Room extends DurableObject<Bindings> {
  protected readonly db: Db;
  protected messages!: Messages;
  private queue!: Queue;
  private pollers!: Pollers;
  private legacy!: LegacyFlow;
  private counts!: Counts;
  private changes!: Changes;
  private removals!: Removals;
  private mutes!: Mutes;
  private audit!: Audit;
  private postAddresses!: PostAddresses;
  private series!: MinuteSeries;
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
  private readonly snapshot: SnapshotWriter;
  /** Every time the room reads; tests move it forward instead of sleeping (workers/room/clock.ts). */
  readonly clock = new RoomClock();
  private readonly storage = new StorageTotals(() => this.clock.now());
  private readonly live: LiveHub;
  private readonly drafts = new Drafts(() => this.clock.now(), PROGRESS.minIntervalMs);
  protected name = "";
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.db = new Db(ctx.storage);
    this.snapshot = new SnapshotWriter(env.SNAPSHOTS, () => snapshotKey(this.name));
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
      this.queue = new Queue(this.db, this.messages, this.counts, {
        maxAttempts: config(env).MAX_ATTEMPTS,
        newToken: newId,
        newId,
        events,
      });
      this.series = new MinuteSeries(new SqlSeriesStore(this.db), {
        now: () => this.clock.now(),
        storage: () => ({ kvReads: this.storage.kvReads, kvWrites: this.snapshot.writes, ...this.db.totals() }),
        gauges: () => queueGauges(this.db, this.counts.all(), this.clock.now()),
      });
      this.pollers = new Pollers(this.db);
      this.legacy = new LegacyFlow(this.db, this.messages, this.counts);
      this.changes = new Changes(this.db);
      this.audit = new Audit(this.db);
      this.archive = new Archive(this.db, env.ARCHIVE, this.counts, () => ctx.storage.sql.databaseSize);
      this.removals = new Removals(this.db, this.counts, this.changes, this.audit, this.archive);
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
      this.alarmAt = await ctx.storage.getAlarm();
    });
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
      },
      () => this.clock.now(),
    );
    // Keep-alives are answered by the runtime itself, so an idle room full of sockets stays asleep.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(LIVE.ping, LIVE.pong));
  }

  // ── live subscribers (hibernatable WebSockets) ───────────────────────────────────────────

  /** The Worker hands `GET /api/live` here, with its validated parameters in a header. */
  override async fetch(request: Request): Promise<Response> {
    const params = liveParamsSchema.safeParse(JSON.parse(request.headers.get(LIVE_PARAMS_HEADER) ?? "null"));
    if (!params.success || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade from the Worker", { status: 400 });
    }
    const { cursor, filter, rev } = params.data;
    const result = this.run(() => ({ value: this.live.accept(cursor, filter, rev) }));
    if (!result.ok) return new Response(result.error, { status: 400 });
    return new Response(null, { status: 101, webSocket: result.value });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.live.receive(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    // The runtime already answered the close (web_socket_auto_reply_to_close); nothing to clean up:
    // a subscription lives only in its socket's attachment.
    try {
      ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  override webSocketError(ws: WebSocket, error: unknown): void {
    console.warn(`[room ${this.name}] subscriber socket error`, error);
    try {
      ws.close(1011, "socket error");
    } catch {
      // Already closed.
    }
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────

  /**
   * Stores a post. `limit` (absent for the bot and admin) rate-limits the client: checked here,
   * in the object that stores the post, so it costs no extra round trip. A replay of a stored id
   * is answered before the limit is charged.
   */
  async post(
    input: MessageInput,
    domainFallback: string,
    limit: { client: string; perMinute: number } | null,
    scope: EntityScope = "*",
  ): Promise<RoomResult<Message>> {
    return this.runAsync(async () => {
      assertPostInScope(scope, this.messages, input);
      const admit = () => {
        if (!limit) return;
        // Mutes are in SQLite (they survive eviction) and are checked in this same transaction.
        this.mutes.check({ address: limit.client, username: input.username, color: input.color }, this.clock.now());
        const retryAfter = this.rateBuckets.take(limit.client, limit.perMinute, this.clock.now());
        if (retryAfter > 0) {
          throw new RoomError(
            "rate_limited",
            `Too many messages: the limit is ${limit.perMinute} a minute. Try again in ${retryAfter} s.`,
            retryAfter,
          );
        }
      };
      const post = (archivedCandidates?: (id: string) => number[]) =>
        this.messages.post(input, { now: this.clock.now(), domainFallback, newId, admit, archivedCandidates });
      let result = post((id) => this.archive.candidates(id));
      if ("archived" in result) {
        // The id may belong to an archived message: a replay answers with it, as for a hot one.
        const stored = await this.archive.findArchived(input.id ?? "", result.archived);
        if (stored) return { value: stored, status: 200 };
        result = post(); // a hash collision with another id: this is a new message
      }
      if ("archived" in result) throw new Error("post without archive lookup returned an archive hit");
      if (result.created) {
        // Same synchronous turn as the insert, so the two writes commit together.
        if (limit) this.postAddresses.record(result.message.id, limit.client);
        this.changed();
        if (result.message.botParams) this.waiters.wakeAll();
        // An AI post answering a message completes it: its draft (if any) gives way to this reply.
        if (result.message.replyTo) this.dropDraft(result.message.replyTo, "complete");
        this.publish([result.message], result.message.replyTo ? [result.message.replyTo] : []);
      }
      return { value: result.message, status: result.created ? 201 : 200 };
    });
  }

  /**
   * Messages after `cursor`, ascending; continues into the archive when `cursor` is below the hot
   * window. With `rev`, the page also carries the messages changed in place since that rev.
   */
  async after(cursor: number, limit: number, filter: PageFilter, rev?: number): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(async () => {
      const page = await this.history.after(cursor, limit, filter);
      // An old client that sends no rev gets exactly the page it always got.
      return { value: rev === undefined ? page : await this.withChanges(page, rev) };
    });
  }

  /** The newest messages, or those before `before`, across hot rows and the archive. */
  async latest(limit: number, filter: PageFilter, before: number | null): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(async () => ({
      value: await this.withChanges(await this.history.before(limit, filter, before)),
    }));
  }

  /**
   * The recent-window read when KV had no usable snapshot: answer from SQLite (an indexed
   * LIMIT, never a scan) and schedule a rewrite of the snapshot.
   */
  async latestAndRepair(limit: number, kvReads: number): Promise<RoomResult<CommentsPage>> {
    return this.runAsync(async () => {
      this.storage.kvReads += kvReads;
      this.changed();
      return { value: await this.withChanges(await this.history.before(limit, { type: "ALL", users: [] }, null)) };
    });
  }

  /**
   * Messages committed after the snapshot the Worker read from KV (counts that KV read), the
   * current state of the snapshot's open addressed messages (`openIds`, at most a window's worth),
   * and the messages changed in place after the snapshot's rev, so a stale snapshot never shows
   * removed text.
   */
  async afterSnapshot(
    seq: number,
    limit: number,
    kvReads: number,
    openIds: string[] = [],
    rev = 0,
  ): Promise<RoomResult<SnapshotDelta>> {
    return this.runAsync(async () => {
      this.storage.kvReads += kvReads;
      const page = await this.withChanges(await this.history.after(seq, limit, { type: "ALL", users: [] }), rev);
      return { value: { ...page, refreshed: this.messages.byIds(openIds.slice(0, SNAPSHOT_SIZE)) } };
    });
  }

  sinceTimestamp(ms: number, limit: number, type: PageFilter["type"]): RoomResult<Message[]> {
    return this.run(() => ({ value: this.messages.sinceTimestamp(ms, limit, type) }));
  }

  byIds(ids: string[]): RoomResult<Message[]> {
    return this.run(() => ({ value: this.messages.byIds(ids) }));
  }

  /** The predecessor's `PATCH processed`: settles an open addressed message (see room/legacy.ts). */
  setProcessed(id: string, processed: boolean, scope: EntityScope = "*"): RoomResult<Message> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, id, "update");
      const { message, settled } = this.legacy.patchProcessed(id, processed);
      if (settled) {
        this.changed();
        this.dropDraft(id, "removed");
        this.publish([], [id]);
      }
      return { value: message };
    });
  }

  /** The head seq, from memory (no rows read): the `limit=0` "where is the head?" probe. */
  head(): RoomResult<number> {
    return this.run(() => ({ value: this.messages.head }));
  }

  lastPostAt(): RoomResult<number> {
    return this.run(() => ({ value: this.messages.lastTimestamp }));
  }

  // ── queue ───────────────────────────────────────────────────────────────────────────────

  async pending(q: {
    entity?: string;
    limit: number;
    wait: number;
    workerId?: string;
  }): Promise<RoomResult<Message[]>> {
    const deadline = this.clock.now() + q.wait * 1000;
    const pass = () =>
      this.run(() => {
        this.recordPoller(q.workerId, q.entity ? [q.entity] : undefined);
        this.expireLeases();
        return { value: this.queue.pending(q.entity, q.limit) };
      });
    return longPoll(this.polling, deadline, pass, (pending) => pending.length > 0);
  }

  claim(req: ClaimRequest, scope: EntityScope = "*"): RoomResult<Claim> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "claim");
      this.expireLeases();
      const value = this.queue.claim(req.messageId, req.workerId, leaseSeconds(req.leaseSeconds), this.clock.now());
      this.changed();
      this.live.publishQueue([value.message]);
      return { value };
    });
  }

  /** Claims the most urgent pending message, long-polling up to `wait` seconds. 204 when none. */
  async claimNext(req: ClaimNextRequest): Promise<RoomResult<Claim | null>> {
    const deadline = this.clock.now() + (req.wait ?? 0) * 1000;
    const pass = () =>
      this.run(() => {
        const now = this.clock.now();
        this.recordPoller(req.workerId, req.entities, req.profiles);
        this.expireLeases();
        const claim = this.queue.claimNext(req.workerId, req.entities, leaseSeconds(req.leaseSeconds), now);
        if (claim) {
          this.changed();
          this.live.publishQueue([claim.message]);
        }
        return claim ? { value: claim } : { value: null, status: 204 as const };
      });
    return longPoll(this.polling, deadline, pass, (claim) => claim !== null);
  }

  heartbeat(req: HeartbeatRequest, scope: EntityScope = "*"): RoomResult<Lease> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "heartbeat");
      this.expireLeases();
      // A later expiry needs no new alarm: the earlier one finds nothing expired and re-arms.
      const value = this.queue.heartbeat(
        req.messageId,
        req.leaseToken,
        leaseSeconds(req.leaseSeconds),
        this.clock.now(),
      );
      return { value };
    });
  }

  /**
   * The text a bot has generated so far, or that its model is thinking: checked against the
   * current lease, paced, shown to the subscribers as a draft and kept in memory only (never a
   * message, no row written).
   */
  progress(req: ProgressRequest, scope: EntityScope = "*"): RoomResult<Lease> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "progress");
      this.expireLeases();
      const admit = () => {
        const waitMs = this.drafts.waitMs(req.messageId);
        if (waitMs > 0) {
          throw new RoomError(
            "rate_limited",
            `Progress for "${req.messageId}" comes too fast: at most one every ${PROGRESS.minIntervalMs} ms (wait ${waitMs} ms).`,
            Math.ceil(waitMs / 1000),
          );
        }
      };
      const held = this.queue.keepAlive(
        req.messageId,
        req.leaseToken,
        leaseSeconds(req.leaseSeconds),
        this.clock.now(),
        admit,
      );
      const question = held.message;
      const { draft, changed } = this.drafts.put({
        messageId: question.id,
        entity: question.botParams?.entity ?? "",
        username: req.username ?? question.botParams?.entity ?? "entity",
        color: req.color ?? "200200200",
        text: req.text,
        // The wire's absent phase means writing; the draft carries only "thinking".
        ...(req.phase === "thinking" && { phase: "thinking" as const }),
      });
      if (changed && this.live.subscriberCount > 0) this.live.publishDraft(draft, question);
      return { value: held.lease };
    });
  }

  complete(req: CompleteRequest, scope: EntityScope = "*"): RoomResult<Message | null> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "complete");
      this.expireLeases();
      const headBefore = this.messages.head;
      const value = this.queue.complete(req.messageId, req.leaseToken, req.reply, this.clock.now());
      this.changed();
      this.dropDraft(req.messageId, "complete");
      // A repeated complete answers with the reply stored the first time: that one was already sent.
      this.publish(value && value.seq > headBefore ? [value] : [], [req.messageId]);
      return { value };
    });
  }

  fail(req: FailRequest, scope: EntityScope = "*"): RoomResult<{ status: "pending" | "failed"; attempts: number }> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "fail");
      this.expireLeases();
      const value = this.queue.fail(req.messageId, req.leaseToken, req.error, req.retryable ?? false);
      this.changed();
      this.dropDraft(req.messageId, "failed");
      this.publish([], [req.messageId]);
      if (value.status === "pending") this.waiters.wakeAll();
      return { value };
    });
  }

  release(req: ReleaseRequest, scope: EntityScope = "*"): RoomResult<null> {
    return this.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "release");
      this.expireLeases();
      this.queue.release(req.messageId, req.leaseToken);
      this.changed();
      this.dropDraft(req.messageId, "released");
      this.publish([], [req.messageId]);
      this.waiters.wakeAll();
      return { value: null };
    });
  }

  requeue(messageId: string): RoomResult<Message> {
    return this.run(() => {
      const value = this.queue.requeue(messageId);
      this.changed();
      this.dropDraft(messageId, "removed");
      this.live.publishQueue([value]);
      this.waiters.wakeAll();
      return { value };
    });
  }

  failByHand(messageId: string, error: string): RoomResult<Message> {
    return this.run(() => {
      const value = this.queue.failByHand(messageId, error);
      this.changed();
      this.dropDraft(messageId, "failed");
      this.live.publishQueue([value]);
      return { value };
    });
  }

  // ── moderation (issue 15): operator actions; each returns what changed for the live broadcast ──

  /**
   * A hot message is removed in one synchronous step, as always; an archived one is found through
   * the archive's id index first (a corrupt segment is 503, an id stored nowhere 404).
   */
  async remove(req: RemoveRequest, operator: string): Promise<RoomResult<ModerationOutcome>> {
    return this.runAsync(async () => {
      const value = this.removals.holds(req.messageId)
        ? this.removals.remove(req.messageId, req.reason, operator, this.clock.now())
        : this.removals.removeArchived(await this.archived(req.messageId), req.reason, operator, this.clock.now());
      if (value.changed) {
        this.changed();
        // Open pages drop the row at once; a viewer mid-stream loses the draft with it.
        this.live.publishUpdated(value.updated, this.changes.head);
        this.dropDraft(req.messageId, "removed");
        this.publish([], [req.messageId]);
      }
      return { value };
    });
  }

  async restore(messageId: string, operator: string): Promise<RoomResult<ModerationOutcome>> {
    return this.runAsync(async () => {
      const value = this.removals.holds(messageId)
        ? this.removals.restore(messageId, operator, this.clock.now())
        : this.removals.restoreArchived(await this.archived(messageId), operator, this.clock.now());
      if (value.changed) {
        this.changed();
        this.live.publishUpdated(value.updated, this.changes.head);
      }
      if (value.requeued) this.waiters.wakeAll();
      return { value };
    });
  }

  /** An archived message as its segment holds it (before removals apply), or 404. */
  private async archived(messageId: string): Promise<Message> {
    const found = await this.archive.findArchived(messageId, this.archive.candidates(messageId), { asStored: true });
    if (!found) throw new RoomError("not_found", `No message with id "${messageId}"`);
    return found;
  }

  mute(req: MuteRequest, operator: string): RoomResult<Mute> {
    return this.run(() => {
      const now = this.clock.now();
      const value = this.db.transaction(() => {
        const target = this.postAddresses.resolve(req.target);
        const mute = this.mutes.set(target, now + req.minutes * 60_000, req.reason, operator, now);
        this.audit.record({
          at: now,
          operator,
          action: "mute",
          target: describeTarget(target),
          reason: req.reason,
        });
        return mute;
      });
      return { value };
    });
  }

  /** Lifting takes effect at once: the next post's check reads the same table. */
  unmute(target: MuteTarget, operator: string): RoomResult<{ lifted: boolean }> {
    return this.run(() => {
      const now = this.clock.now();
      const value = this.db.transaction(() => {
        const lifted = this.mutes.lift(target, now);
        if (lifted)
          this.audit.record({ at: now, operator, action: "unmute", target: describeTarget(target), reason: "" });
        return { lifted };
      });
      return { value };
    });
  }

  activeMutes(): RoomResult<Mute[]> {
    return this.run(() => ({ value: this.mutes.list(this.clock.now()) }));
  }

  auditTrail(limit: number): RoomResult<AuditEntry[]> {
    return this.run(() => ({ value: this.audit.recent(limit) }));
  }

  entities(): RoomResult<EntitySeen[]> {
    return this.run(() => ({ value: this.pollers.entities() }));
  }

  /** `/api/stats`; `detailed` (the admin token) adds the series' reply latencies. */
  stats(view: { minutes: number; detailed: boolean }): RoomResult<Stats> {
    return this.run(() => ({
      value: {
        ...roomStats({
          series: { minutes: this.series.read(view.minutes, view.detailed), detailed: view.detailed },
          room: this.name,
          db: this.db,
          counts: this.counts.all(),
          headSeq: this.messages.head,
          bots: this.pollers.bots(),
          storage: this.storage.read(this.db.totals(), this.snapshot.writes),
          now: this.clock.now(),
        }),
        archive: this.archive.stats(),
      },
    }));
  }

  /**
   * Test and bench rooms only (no production route calls it: the archive tests call it on the
   * stub, the bench build's seed route through workers/bench/): a tiny hot window so archiving
   * can be exercised without millions of messages. Stored, so it survives restarts.
   */
  setArchiveOptions(options: ArchiveOptions): RoomResult<ArchiveOptions> {
    return this.run(() => {
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

  /**
   * Runs one synchronous unit of work: remembers the room's name (the alarm needs it to find
   * the KV key), measures the rows it touched, and turns a RoomError into a value.
   */
  private run<T>(fn: () => { value: T; status?: 200 | 201 | 204 }): RoomResult<T> {
    this.series.roll();
    const before = this.measure();
    try {
      const { value, status } = fn();
      return { ok: true, value, status, usage: usageSince(before, this.measure()) };
    } catch (error) {
      const usage = usageSince(before, this.measure());
      if (error instanceof RoomError) {
        return { ok: false, code: error.code, error: error.message, retryAfter: error.retryAfter, usage };
      }
      throw error;
    }
  }

  /**
   * Stamps a page with the change rev it reflects, plus the changes after `rev` when asked.
   * Changed messages that have since been archived are read from their segments.
   */
  private async withChanges(page: CommentsPage, rev?: number): Promise<CommentsPage> {
    if (rev === undefined) return { ...page, rev: this.changes.head };
    const changes = this.changes.since(rev, CHANGES_PAGE);
    const updated = changes.archived.length
      ? [...changes.updated, ...(await this.archive.atSeqs(changes.archived))]
      : changes.updated;
    // More changes than one page: `hasMore` asks the reader to read again (from the new rev).
    return { ...page, hasMore: page.hasMore || changes.hasMore, rev: changes.rev, updated };
  }

  /** {@link run} for work that may await the archive (R2); the hot-only path inside stays synchronous. */
  protected async runAsync<T>(
    fn: () => { value: T | Promise<T>; status?: 200 | 201 | 204 } | Promise<{ value: T; status?: 200 | 201 | 204 }>,
  ): Promise<RoomResult<T>> {
    this.series.roll();
    const before = this.measure();
    try {
      const { value, status } = await fn();
      return { ok: true, value: await value, status, usage: usageSince(before, this.measure()) };
    } catch (error) {
      const usage = usageSince(before, this.measure());
      if (error instanceof RoomError) {
        return { ok: false, code: error.code, error: error.message, retryAfter: error.retryAfter, usage };
      }
      throw error;
    }
  }

  /** Rows and KV writes so far; a call's usage is the difference (Server-Timing counts where the work happens). */
  private measure(): StorageUsage {
    return { ...this.db.totals(), kvWrites: this.snapshot.writes };
  }

  private rememberName(room: string): void {
    this.name = room;
    this.db.run(
      "INSERT INTO meta (key, value) VALUES ('name', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      room,
    );
  }

  private expireLeases(): void {
    const expired = this.queue.expireLeases(this.clock.now());
    if (expired.length > 0) {
      this.changed();
      this.waiters.wakeAll();
      for (const id of expired) this.dropDraft(id, "expired");
      this.publish([], expired);
    }
  }

  /** A draft ends with its lease: subscribers are told before the queue change or the stored reply. */
  private dropDraft(messageId: string, reason: "complete" | "failed" | "released" | "expired" | "removed"): void {
    if (this.drafts.remove(messageId)) this.live.publishDraftGone(messageId, reason);
  }

  /**
   * Tells the subscribers what this unit of work committed: new messages (ascending) and the
   * queue state of the addressed messages it moved. Reads nothing when nobody is subscribed.
   */
  private publish(created: Message[], queueIds: string[]): void {
    if (this.live.subscriberCount === 0) return;
    this.live.publishMessages(created);
    if (queueIds.length > 0) {
      this.live.publishQueue(this.messages.byIds(queueIds).filter((m) => m.botParams !== undefined));
    }
  }

  /** Records a queue poll; an entity that just became served is announced to the subscribers. */
  private recordPoller(workerId: string | undefined, entities: string[] | undefined, profiles?: EntityProfile[]): void {
    const arrived = this.pollers.record(workerId, entities, this.clock.now(), profiles);
    if (arrived && this.live.subscriberCount > 0) this.live.publishPresence(this.pollers.entities());
  }

  /** Something visible changed: the snapshot needs rewriting (coalesced by the alarm). */
  protected changed(): void {
    this.snapshot.markDirty();
    this.scheduleAlarm();
  }

  /** Keeps one alarm set at the earliest of: the next lease expiry, the next snapshot write. */
  private scheduleAlarm(): void {
    const candidates = [
      this.queue.nextLeaseExpiry(),
      this.snapshot.dueAt(),
      this.removals.nextExpiry(),
      this.purgeDueAt(),
      this.series.dueAt(),
      this.archiveDueAt,
    ].filter((t): t is number => t !== null);
    if (candidates.length === 0) return;
    const next = Math.max(this.clock.now(), Math.min(...candidates));
    if (this.alarmAt !== null && this.alarmAt <= next) return;
    this.alarmAt = next;
    void this.ctx.storage.setAlarm(next);
  }
}

/** How many in-place changes one page carries; a reader further behind catches up over polls. */
const CHANGES_PAGE = 200;

function leaseSeconds(requested: number | undefined): number {
  return requested ?? LEASE.defaultSeconds;
}
