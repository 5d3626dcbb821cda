import type {
  AuditEntry,
  ClaimNextRequest,
  ClaimRequest,
  CommentsPage,
  CompleteRequest,
  ContextQuery,
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
  SceneSettings,
  Stats,
} from "../types";
import { liveParamsSchema, type MuteTarget } from "../types";
import type { RoomResult } from "./errors";
import { RoomBase } from "./room/base";
import { readContext } from "./room/context";
import type { PendingQuery } from "./room/front/queue";
import { LIVE_PARAMS_HEADER } from "./room/live";
import type { PageFilter } from "./room/messages";
import type { Claim } from "./room/queue";
import type { ModerationOutcome } from "./room/removals";
import { assertMessageInScope } from "./room/scope";
import { roomStats } from "./room/stats";
import { addressTag } from "./room/subscriptions";
import type { SnapshotDelta } from "./snapshot";

/**
 * One chat room: the single owner of its messages, queue and leases (SQLite), and the only
 * writer of its KV snapshot. Methods are called over RPC by the Worker; each is one transaction.
 * The bodies live in room/front/*.ts; the wiring and the alarm in room/base.ts.
 */
export class Room extends RoomBase {
  // ── live subscribers (hibernatable WebSockets) ───────────────────────────────────────────

  /** The Worker hands `GET /api/live` here, with its validated parameters in a header. */
  override async fetch(request: Request): Promise<Response> {
    const params = liveParamsSchema.safeParse(JSON.parse(request.headers.get(LIVE_PARAMS_HEADER) ?? "null"));
    if (!params.success || request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("expected a WebSocket upgrade from the Worker", { status: 400 });
    }
    const { cursor, filter, rev, address } = params.data;
    const tag = await addressTag(address ?? "local");
    const result = this.work.run(() => ({ value: this.live.accept(cursor, filter, rev, tag, address) }));
    if (!result.ok) return new Response(result.error, { status: 400 });
    return new Response(null, { status: 101, webSocket: result.value });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): void {
    this.live.receive(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    // The runtime already answered the close (web_socket_auto_reply_to_close). A subscription lives
    // only in its socket's attachment; presence (count, typist) hears of it, coalesced.
    this.live.closed(ws);
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

  // ── messages (bodies in room/front/messages.ts) ─────────────────────────────────────────────

  async post(
    input: MessageInput,
    /** The host the post came from: the message's domain, whatever the body said (see post-domain.ts). */
    domain: string,
    limit: { client: string; perMinute: number } | null,
    scope: EntityScope = "*",
  ): Promise<RoomResult<Message>> {
    return this.messageDoor.post(input, domain, limit, scope);
  }

  async after(cursor: number, limit: number, filter: PageFilter, rev?: number): Promise<RoomResult<CommentsPage>> {
    return this.messageDoor.after(cursor, limit, filter, rev);
  }

  async latest(limit: number, filter: PageFilter, before: number | null): Promise<RoomResult<CommentsPage>> {
    return this.messageDoor.latest(limit, filter, before);
  }

  async latestAndRepair(limit: number, kvReads: number): Promise<RoomResult<CommentsPage>> {
    return this.messageDoor.latestAndRepair(limit, kvReads);
  }

  async afterSnapshot(
    seq: number,
    limit: number,
    kvReads: number,
    openIds: string[] = [],
    rev = 0,
  ): Promise<RoomResult<SnapshotDelta>> {
    return this.messageDoor.afterSnapshot(seq, limit, kvReads, openIds, rev);
  }

  setProcessed(id: string, processed: boolean, scope: EntityScope = "*"): RoomResult<Message> {
    return this.messageDoor.setProcessed(id, processed, scope);
  }

  sinceTimestamp(ms: number, limit: number, type: PageFilter["type"]): RoomResult<Message[]> {
    return this.work.run(() => ({ value: this.messages.sinceTimestamp(ms, limit, type) }));
  }

  byIds(ids: string[]): RoomResult<Message[]> {
    return this.work.run(() => ({ value: this.messages.byIds(ids) }));
  }

  /** The head seq, from memory (no rows read): the `limit=0` "where is the head?" probe. */
  head(): RoomResult<number> {
    return this.work.run(() => ({ value: this.messages.head }));
  }

  lastPostAt(): RoomResult<number> {
    return this.work.run(() => ({ value: this.messages.lastTimestamp }));
  }

  // ── queue (bodies in room/front/queue.ts) ───────────────────────────────────────────────────

  async pending(q: PendingQuery): Promise<RoomResult<Message[]>> {
    return this.queueDoor.pending(q);
  }

  claim(req: ClaimRequest, scope: EntityScope = "*"): RoomResult<Claim> {
    return this.queueDoor.claim(req, scope);
  }

  async claimNext(req: ClaimNextRequest): Promise<RoomResult<Claim | null>> {
    return this.queueDoor.claimNext(req);
  }

  heartbeat(req: HeartbeatRequest, scope: EntityScope = "*"): RoomResult<Lease> {
    return this.queueDoor.heartbeat(req, scope);
  }

  progress(req: ProgressRequest, scope: EntityScope = "*"): RoomResult<Lease> {
    return this.queueDoor.progress(req, scope);
  }

  complete(req: CompleteRequest, scope: EntityScope = "*"): RoomResult<Message | null> {
    return this.queueDoor.complete(req, scope);
  }

  fail(req: FailRequest, scope: EntityScope = "*"): RoomResult<{ status: "pending" | "failed"; attempts: number }> {
    return this.queueDoor.fail(req, scope);
  }

  release(req: ReleaseRequest, scope: EntityScope = "*"): RoomResult<null> {
    return this.queueDoor.release(req, scope);
  }

  requeue(messageId: string): RoomResult<Message> {
    return this.queueDoor.requeue(messageId);
  }

  failByHand(messageId: string, error: string): RoomResult<Message> {
    return this.queueDoor.failByHand(messageId, error);
  }

  // ── moderation (bodies in room/front/moderation.ts): each returns what changed ──────────────

  async remove(req: RemoveRequest, operator: string): Promise<RoomResult<ModerationOutcome>> {
    return this.moderationDoor.remove(req, operator);
  }

  async restore(messageId: string, operator: string): Promise<RoomResult<ModerationOutcome>> {
    return this.moderationDoor.restore(messageId, operator);
  }

  mute(req: MuteRequest, operator: string): RoomResult<Mute> {
    return this.moderationDoor.mute(req, operator);
  }

  unmute(target: MuteTarget, operator: string): RoomResult<{ lifted: boolean }> {
    return this.moderationDoor.unmute(target, operator);
  }

  activeMutes(): RoomResult<Mute[]> {
    return this.moderationDoor.activeMutes();
  }

  auditTrail(limit: number): RoomResult<AuditEntry[]> {
    return this.moderationDoor.auditTrail(limit);
  }

  // ── entities, scenes and stats ──────────────────────────────────────────────────────────────

  entities(): RoomResult<EntitySeen[]> {
    return this.work.run(() => ({ value: this.pollers.entities() }));
  }

  /** A room's scene limits (E8): the operator's, or the defaults. */
  sceneSettings(): RoomResult<SceneSettings> {
    return this.work.run(() => ({ value: this.participants.sceneSettings() }));
  }

  setSceneSettings(settings: SceneSettings): RoomResult<SceneSettings> {
    return this.work.run(() => ({ value: this.db.transaction(() => this.participants.setSceneSettings(settings)) }));
  }

  /** What an entity's `scope` names for the prompt of one job (E9): bounded, indexed reads. */
  context(req: ContextQuery, scope: EntityScope = "*"): RoomResult<Message[]> {
    return this.work.run(() => {
      assertMessageInScope(scope, this.messages, req.messageId, "read the context of");
      return { value: readContext(this.messages, this.pollers, req) };
    });
  }

  /** `/api/stats`; `detailed` (the admin token) adds the series' reply latencies. */
  stats(view: { minutes: number; detailed: boolean }): RoomResult<Stats> {
    return this.work.run(() => ({
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
}
