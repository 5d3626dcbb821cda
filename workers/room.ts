import { DurableObject } from "cloudflare:workers";
import type {
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
  ReleaseRequest,
  Stats,
} from "../types";
import { LEASE, LIVE, liveParamsSchema } from "../types";
import type { Bindings } from "./app-env";
import { RoomError, type RoomResult } from "./errors";
import { Counts } from "./room/counts";
import { Db, usageSince } from "./room/db";
import { LIVE_PARAMS_HEADER, LiveHub } from "./room/live";
import { Messages, type PageFilter } from "./room/messages";
import { Pollers } from "./room/pollers";
import { type Claim, Queue } from "./room/queue";
import { RateBuckets } from "./room/rate-buckets";
import { assertMessageInScope, assertPostInScope } from "./room/scope";
import { SnapshotWriter } from "./room/snapshot-writer";
import { roomStats, StorageTotals } from "./room/stats";
import { Waiters } from "./room/waiters";
import { SNAPSHOT_SIZE, type Snapshot, snapshotKey } from "./snapshot";

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
  private counts!: Counts;
  private readonly waiters = new Waiters();
  private readonly rateBuckets = new RateBuckets();
  private readonly snapshot: SnapshotWriter;
  private readonly storage = new StorageTotals();
  private readonly live: LiveHub;
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
        drafts: () => [],
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
    scope: EntityScope = "*",
  ): RoomResult<Message> {
    return this.run(room, () => {
      assertPostInScope(scope, this.messages, input);
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

  /** Messages committed after the snapshot the Worker read from KV (counts that KV read). */
  afterSnapshot(room: string, seq: number, limit: number, kvReads: number): RoomResult<CommentsPage> {
    return this.run(room, () => {
      this.storage.kvReads += kvReads;
      return { value: this.messages.after(seq, limit, { type: "ALL", users: [] }) };
    });
  }

  sinceTimestamp(room: string, ms: number, limit: number, type: PageFilter["type"]): RoomResult<Message[]> {
    return this.run(room, () => ({ value: this.messages.sinceTimestamp(ms, limit, type) }));
  }

  byIds(room: string, ids: string[]): RoomResult<Message[]> {
    return this.run(room, () => ({ value: this.messages.byIds(ids) }));
  }

  setProcessed(room: string, id: string, processed: boolean, scope: EntityScope = "*"): RoomResult<Message> {
    return this.run(room, () => {
      assertMessageInScope(scope, this.messages, id, "update");
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
        this.recordPoller(q.workerId, q.entity ? [q.entity] : undefined);
        this.expireLeases();
        return { value: this.queue.pending(q.entity, q.limit) };
      });
      if (!result.ok || result.value.length > 0 || Date.now() >= deadline) return result;
      await this.waiters.wait(deadline - Date.now());
    }
  }

  claim(room: string, req: ClaimRequest, scope: EntityScope = "*"): RoomResult<Claim> {
    return this.run(room, () => {
      assertMessageInScope(scope, this.messages, req.messageId, "claim");
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

  heartbeat(room: string, req: HeartbeatRequest, scope: EntityScope = "*"): RoomResult<Lease> {
    return this.run(room, () => {
      assertMessageInScope(scope, this.messages, req.messageId, "heartbeat");
      this.expireLeases();
      // A later expiry needs no new alarm: the earlier one finds nothing expired and re-arms.
      const value = this.queue.heartbeat(req.messageId, req.leaseToken, leaseSeconds(req.leaseSeconds), Date.now());
      return { value };
    });
  }

  complete(room: string, req: CompleteRequest, scope: EntityScope = "*"): RoomResult<Message | null> {
    return this.run(room, () => {
      assertMessageInScope(scope, this.messages, req.messageId, "complete");
      this.expireLeases();
      const headBefore = this.messages.head;
      const value = this.queue.complete(req.messageId, req.leaseToken, req.reply, Date.now());
      this.changed();
      // A repeated complete answers with the reply stored the first time: that one was already sent.
      this.publish(value && value.seq > headBefore ? [value] : [], [req.messageId]);
      return { value };
    });
  }

  fail(
    room: string,
    req: FailRequest,
    scope: EntityScope = "*",
  ): RoomResult<{ status: "pending" | "failed"; attempts: number }> {
    return this.run(room, () => {
      assertMessageInScope(scope, this.messages, req.messageId, "fail");
      this.expireLeases();
      const value = this.queue.fail(req.messageId, req.leaseToken, req.error, req.retryable ?? false);
      this.changed();
      this.publish([], [req.messageId]);
      if (value.status === "pending") this.waiters.wakeAll();
      return { value };
    });
  }

  release(room: string, req: ReleaseRequest, scope: EntityScope = "*"): RoomResult<null> {
    return this.run(room, () => {
      assertMessageInScope(scope, this.messages, req.messageId, "release");
      this.expireLeases();
      this.queue.release(req.messageId, req.leaseToken);
      this.changed();
      this.publish([], [req.messageId]);
      this.waiters.wakeAll();
      return { value: null };
    });
  }

  requeue(room: string, messageId: string): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.queue.requeue(messageId);
      this.changed();
      this.live.publishQueue([value]);
      this.waiters.wakeAll();
      return { value };
    });
  }

  failByHand(room: string, messageId: string, error: string): RoomResult<Message> {
    return this.run(room, () => {
      const value = this.queue.failByHand(messageId, error);
      this.changed();
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
      this.publish([], expired);
    }
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
