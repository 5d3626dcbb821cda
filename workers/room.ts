import { DurableObject } from "cloudflare:workers";
import type {
  ClaimNextRequest,
  ClaimRequest,
  CommentsPage,
  CompleteRequest,
  EntityProfile,
  EntitySeen,
  FailRequest,
  HeartbeatRequest,
  Lease,
  Message,
  MessageInput,
  ProgressRequest,
  ReleaseRequest,
  Stats,
} from "../types";
import { LEASE, LIVE, liveParamsSchema, PROGRESS } from "../types";
import type { Bindings } from "./app-env";
import { RoomError, type RoomResult } from "./errors";
import { Counts } from "./room/counts";
import { Db, usageSince } from "./room/db";
import { Drafts } from "./room/drafts";
import { LegacyFlow } from "./room/legacy";
import { LIVE_PARAMS_HEADER, LiveHub } from "./room/live";
import { Messages, type PageFilter } from "./room/messages";
import { Pollers } from "./room/pollers";
import { type Claim, Queue } from "./room/queue";
import { RateBuckets } from "./room/rate-buckets";
import { SnapshotWriter } from "./room/snapshot-writer";
import { roomStats, StorageTotals } from "./room/stats";
import { Waiters } from "./room/waiters";
import { SNAPSHOT_SIZE, type Snapshot, type SnapshotDelta, snapshotKey } from "./snapshot";

const newId = () => crypto.randomUUID();

/**
 * One chat room: the single owner of its messages, queue and leases (SQLite), and the only
 * writer of its KV snapshot. Methods are called over RPC by the Worker; each is one transaction.
 */
export class Room extends DurableObject<Bindings> {
  private readonly db: Db;
  private messages!: Messages;
  private queue!: Queue;
  private pollers!: Pollers;
  private legacy!: LegacyFlow;
  private counts!: Counts;
  private readonly waiters = new Waiters();
  private readonly rateBuckets = new RateBuckets();
  private readonly snapshot: SnapshotWriter;
  private readonly storage = new StorageTotals();
  private readonly live: LiveHub;
  private readonly drafts = new Drafts(Date.now, PROGRESS.minIntervalMs);
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
      this.legacy = new LegacyFlow(this.db, this.messages, this.counts);
      this.name = this.db.one<{ value: string }>("SELECT value FROM meta WHERE key = 'name'")?.value ?? "";
      this.alarmAt = await ctx.storage.getAlarm();
    });
    this.live = new LiveHub(
      ctx,
      {
        head: () => this.messages.head,
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
      },
      Date.now,
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
    const { room, cursor, filter } = params.data;
    const result = this.run(room, () => ({ value: this.live.accept(cursor, filter) }));
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
  post(
    room: string,
    input: MessageInput,
    domainFallback: string,
    limit: { client: string; perMinute: number } | null,
  ): RoomResult<Message> {
    return this.run(room, () => {
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
      const result = this.messages.post(input, { now: Date.now(), domainFallback, newId, admit });
      if (result.created) {
        this.changed();
        if (result.message.botParams) this.waiters.wakeAll();
        // An AI post answering a message completes it: its draft (if any) gives way to this reply.
        if (result.message.replyTo) this.dropDraft(result.message.replyTo, "complete");
        this.publish([result.message], result.message.replyTo ? [result.message.replyTo] : []);
      }
      return { value: result.message, status: result.created ? 201 : 200 };
    });
  }

  after(room: string, cursor: number, limit: number, filter: PageFilter): RoomResult<CommentsPage> {
    return this.run(room, () => ({ value: this.messages.after(cursor, limit, filter) }));
  }

  latest(room: string, limit: number, filter: PageFilter, before: number | null): RoomResult<CommentsPage> {
    return this.run(room, () => ({ value: this.messages.latest(limit, filter, before) }));
  }

  /**
   * The recent-window read when KV had no usable snapshot: answer from SQLite (an indexed
   * LIMIT, never a scan) and schedule a rewrite of the snapshot.
   */
  latestAndRepair(room: string, limit: number, kvReads: number): RoomResult<CommentsPage> {
    return this.run(room, () => {
      this.storage.kvReads += kvReads;
      this.changed();
      return { value: this.messages.latest(limit, { type: "ALL", users: [] }) };
    });
  }

  /**
   * Messages committed after the snapshot the Worker read from KV (counts that KV read), plus the
   * current state of the snapshot's open addressed messages (`openIds`, at most a window's worth).
   */
  afterSnapshot(
    room: string,
    seq: number,
    limit: number,
    kvReads: number,
    openIds: string[] = [],
  ): RoomResult<SnapshotDelta> {
    return this.run(room, () => {
      this.storage.kvReads += kvReads;
      const page = this.messages.after(seq, limit, { type: "ALL", users: [] });
      return { value: { ...page, refreshed: this.messages.byIds(openIds.slice(0, SNAPSHOT_SIZE)) } };
    });
  }

  sinceTimestamp(room: string, ms: number, limit: number, type: PageFilter["type"]): RoomResult<Message[]> {
    return this.run(room, () => ({ value: this.messages.sinceTimestamp(ms, limit, type) }));
  }

  byIds(room: string, ids: string[]): RoomResult<Message[]> {
    return this.run(room, () => ({ value: this.messages.byIds(ids) }));
  }

  /** The predecessor's `PATCH processed`: settles an open addressed message (see room/legacy.ts). */
  setProcessed(room: string, id: string, processed: boolean): RoomResult<Message> {
    return this.run(room, () => {
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
  head(room: string): RoomResult<number> {
    return this.run(room, () => ({ value: this.messages.head }));
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
        this.recordPoller(q.workerId, q.entity ? [q.entity] : undefined);
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
      this.live.publishQueue([value.message]);
      return { value };
    });
  }

  /** Claims the most urgent pending message, long-polling up to `wait` seconds. 204 when none. */
  async claimNext(room: string, req: ClaimNextRequest): Promise<RoomResult<Claim | null>> {
    const deadline = Date.now() + (req.wait ?? 0) * 1000;
    for (;;) {
      const result = this.run(room, () => {
        const now = Date.now();
        this.recordPoller(req.workerId, req.entities, req.profiles);
        this.expireLeases();
        const claim = this.queue.claimNext(req.workerId, req.entities, leaseSeconds(req.leaseSeconds), now);
        if (claim) {
          this.changed();
          this.live.publishQueue([claim.message]);
        }
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

  /**
   * The text a bot has generated so far: checked against the current lease, paced, shown to the
   * subscribers as a draft and kept in memory only (never a message, no row written).
   */
  progress(room: string, req: ProgressRequest): RoomResult<Lease> {
    return this.run(room, () => {
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
        Date.now(),
        admit,
      );
      const question = held.message;
      const draft = this.drafts.put({
        messageId: question.id,
        entity: question.botParams?.entity ?? "",
        username: req.username ?? question.botParams?.entity ?? "entity",
        color: req.color ?? "200200200",
        text: req.text,
      });
      if (this.live.subscriberCount > 0) this.live.publishDraft(draft, question);
      return { value: held.lease };
    });
  }

  complete(room: string, req: CompleteRequest): RoomResult<Message | null> {
    return this.run(room, () => {
      this.expireLeases();
      const headBefore = this.messages.head;
      const value = this.queue.complete(req.messageId, req.leaseToken, req.reply, Date.now());
      this.changed();
      this.dropDraft(req.messageId, "complete");
      // A repeated complete answers with the reply stored the first time: that one was already sent.
      this.publish(value && value.seq > headBefore ? [value] : [], [req.messageId]);
      return { value };
    });
  }

  fail(room: string, req: FailRequest): RoomResult<{ status: "pending" | "failed"; attempts: number }> {
    return this.run(room, () => {
      this.expireLeases();
      const value = this.queue.fail(req.messageId, req.leaseToken, req.error, req.retryable ?? false);
      this.changed();
      this.dropDraft(req.messageId, "failed");
      this.publish([], [req.messageId]);
      if (value.status === "pending") this.waiters.wakeAll();
      return { value };
    });
  }

  release(room: string, req: ReleaseRequest): RoomResult<null> {
    return this.run(room, () => {
      this.expireLeases();
      this.queue.release(req.messageId, req.leaseToken);
      this.changed();
      this.dropDraft(req.messageId, "released");
      this.publish([], [req.messageId]);
      this.waiters.wakeAll();
      return { value: null };
    });
  }

  requeue(room: string, messageId: string): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.queue.requeue(messageId);
      this.changed();
      this.dropDraft(messageId, "removed");
      this.live.publishQueue([value]);
      this.waiters.wakeAll();
      return { value };
    });
  }

  failByHand(room: string, messageId: string, error: string): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.queue.failByHand(messageId, error);
      this.changed();
      this.dropDraft(messageId, "failed");
      this.live.publishQueue([value]);
      return { value };
    });
  }

  entities(room: string): RoomResult<EntitySeen[]> {
    return this.run(room, () => ({ value: this.pollers.entities() }));
  }

  stats(room: string): RoomResult<Stats> {
    return this.run(room, () => ({
      value: roomStats({
        room,
        db: this.db,
        counts: this.counts.all(),
        headSeq: this.messages.head,
        bots: this.pollers.bots(),
        storage: this.storage.read(this.db.totals(), this.snapshot.writes),
        now: Date.now(),
      }),
    }));
  }

  // ── alarm: lease expiry and the coalesced snapshot write ───────────────────────────────────

  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.expireLeases();
    try {
      await this.snapshot.flush(() => this.buildSnapshot(), Date.now());
    } catch (error) {
      console.error(`[room ${this.name}] snapshot write failed; will retry`, error);
    }
    this.scheduleAlarm();
  }

  private buildSnapshot(): Snapshot {
    const page = this.messages.latest(SNAPSHOT_SIZE, { type: "ALL", users: [] });
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

  private rememberName(room: string): void {
    this.name = room;
    this.db.run(
      "INSERT INTO meta (key, value) VALUES ('name', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      room,
    );
  }

  private expireLeases(): void {
    const expired = this.queue.expireLeases(Date.now());
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
    const arrived = this.pollers.record(workerId, entities, Date.now(), profiles);
    if (arrived && this.live.subscriberCount > 0) this.live.publishPresence(this.pollers.entities());
  }

  /** Something visible changed: the snapshot needs rewriting (coalesced by the alarm). */
  private changed(): void {
    this.snapshot.markDirty();
    this.scheduleAlarm();
  }

  /** Keeps one alarm set at the earliest of: the next lease expiry, the next snapshot write. */
  private scheduleAlarm(): void {
    const candidates = [this.queue.nextLeaseExpiry(), this.snapshot.dueAt()].filter((t): t is number => t !== null);
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
