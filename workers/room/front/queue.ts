import type {
  ClaimNextRequest,
  ClaimRequest,
  CompleteRequest,
  EntityProfile,
  EntityScope,
  FailRequest,
  HeartbeatRequest,
  Lease,
  Message,
  ProgressRequest,
  ReleaseRequest,
} from "../../../types";
import { LEASE, PROGRESS } from "../../../types";
import { RoomError, type RoomResult } from "../../errors";
import { longPoll } from "../long-poll";
import type { Claim } from "../queue";
import { assertMessageInScope } from "../scope";
import type { RoomParts } from "./parts";

/** A bot's poll for pending work: for one entity or all, long-polling up to `wait` seconds. */
export interface PendingQuery {
  entity?: string;
  limit: number;
  wait: number;
  workerId?: string;
}

/**
 * The bodies of the Room's queue methods (leases, progress, the operator's requeue and fail).
 * Each is one unit of work; its after-effects go through {@link RoomParts.effects}, in the same
 * synchronous turn as the change they report.
 */
export class QueueDoor {
  constructor(private readonly parts: RoomParts) {}

  async pending(q: PendingQuery): Promise<RoomResult<Message[]>> {
    const { clock, work, effects, queue } = this.parts;
    const deadline = clock.now() + q.wait * 1000;
    const pass = () =>
      work.run(() => {
        this.recordPoller(q.workerId, q.entity ? [q.entity] : undefined);
        effects.expireLeases();
        return { value: queue.pending(q.entity, q.limit) };
      });
    return longPoll(this.parts.polling, deadline, pass, (pending) => pending.length > 0);
  }

  claim(req: ClaimRequest, scope: EntityScope): RoomResult<Claim> {
    return this.parts.work.run(() => {
      this.enter(scope, req.messageId, "claim");
      const { queue, clock } = this.parts;
      const value = queue.claim(req.messageId, req.workerId, leaseSeconds(req.leaseSeconds), clock.now(), scope);
      this.parts.effects.queueMoved({ moved: [value.message] });
      return { value };
    });
  }

  /** Claims the most urgent pending message, long-polling up to `wait` seconds. 204 when none. */
  async claimNext(req: ClaimNextRequest): Promise<RoomResult<Claim | null>> {
    const { clock, work, effects, queue } = this.parts;
    const deadline = clock.now() + (req.wait ?? 0) * 1000;
    const pass = () =>
      work.run(() => {
        const now = clock.now();
        this.recordPoller(req.workerId, req.entities, req.profiles);
        effects.expireLeases();
        const claim = queue.claimNext(req.workerId, req.entities, leaseSeconds(req.leaseSeconds), now);
        if (claim) effects.queueMoved({ moved: [claim.message] });
        return claim ? { value: claim } : { value: null, status: 204 as const };
      });
    return longPoll(this.parts.polling, deadline, pass, (claim) => claim !== null);
  }

  heartbeat(req: HeartbeatRequest, scope: EntityScope): RoomResult<Lease> {
    return this.parts.work.run(() => {
      this.enter(scope, req.messageId, "heartbeat");
      // A later expiry needs no new alarm: the earlier one finds nothing expired and re-arms.
      const { queue, clock } = this.parts;
      const value = queue.heartbeat(req.messageId, req.leaseToken, leaseSeconds(req.leaseSeconds), clock.now());
      return { value };
    });
  }

  /**
   * The text a bot has generated so far, or that its model is thinking: checked against the
   * current lease, paced, shown to the subscribers as a draft and kept in memory only (never a
   * message, no row written).
   */
  progress(req: ProgressRequest, scope: EntityScope): RoomResult<Lease> {
    return this.parts.work.run(() => {
      this.enter(scope, req.messageId, "progress");
      const { queue, clock, drafts, live } = this.parts;
      const admit = () => {
        const waitMs = drafts.waitMs(req.messageId);
        if (waitMs > 0) {
          throw new RoomError(
            "rate_limited",
            `Progress for "${req.messageId}" comes too fast: at most one every ${PROGRESS.minIntervalMs} ms (wait ${waitMs} ms).`,
            Math.ceil(waitMs / 1000),
          );
        }
      };
      const held = queue.keepAlive(req.messageId, req.leaseToken, leaseSeconds(req.leaseSeconds), clock.now(), admit);
      const question = held.message;
      const { draft, changed } = drafts.put({
        messageId: question.id,
        entity: question.botParams?.entity ?? "",
        username: req.username ?? question.botParams?.entity ?? "entity",
        color: req.color ?? "200200200",
        text: req.text,
        // The wire's absent phase means writing; the draft carries only "thinking".
        ...(req.phase === "thinking" && { phase: "thinking" as const }),
      });
      if (changed && live.subscriberCount > 0) live.publishDraft(draft, question);
      return { value: held.lease };
    });
  }

  complete(req: CompleteRequest, scope: EntityScope): RoomResult<Message | null> {
    return this.parts.work.run(() => {
      this.enter(scope, req.messageId, "complete");
      const { queue, clock, messages } = this.parts;
      const headBefore = messages.head;
      const value = queue.complete(req.messageId, req.leaseToken, req.reply, clock.now(), req.read);
      this.parts.effects.queueMoved({
        drafts: { ids: [req.messageId], reason: "complete" },
        // A reply that addresses entities (a scene's next turn) wakes the bots waiting for them.
        wake: value?.botParams ? "after-drafts" : undefined,
        // A repeated complete answers with the reply stored the first time: that one was already sent.
        publish: { created: value && value.seq > headBefore ? [value] : [], queueIds: [req.messageId] },
      });
      return { value };
    });
  }

  fail(req: FailRequest, scope: EntityScope): RoomResult<{ status: "pending" | "failed"; attempts: number }> {
    return this.parts.work.run(() => {
      this.enter(scope, req.messageId, "fail");
      const value = this.parts.queue.fail(req.messageId, req.leaseToken, req.error, req.retryable ?? false);
      this.parts.effects.queueMoved({
        drafts: { ids: [req.messageId], reason: "failed" },
        publish: { queueIds: [req.messageId] },
        wake: value.status === "pending" ? "after-publish" : undefined,
      });
      return { value };
    });
  }

  release(req: ReleaseRequest, scope: EntityScope): RoomResult<null> {
    return this.parts.work.run(() => {
      this.enter(scope, req.messageId, "release");
      this.parts.queue.release(req.messageId, req.leaseToken);
      this.parts.effects.queueMoved({
        drafts: { ids: [req.messageId], reason: "released" },
        publish: { queueIds: [req.messageId] },
        wake: "after-publish",
      });
      return { value: null };
    });
  }

  requeue(messageId: string): RoomResult<Message> {
    return this.parts.work.run(() => {
      const value = this.parts.queue.requeue(messageId);
      this.parts.effects.queueMoved({
        drafts: { ids: [messageId], reason: "removed" },
        moved: [value],
        wake: "after-publish",
      });
      return { value };
    });
  }

  failByHand(messageId: string, error: string): RoomResult<Message> {
    return this.parts.work.run(() => {
      const value = this.parts.queue.failByHand(messageId, error);
      this.parts.effects.queueMoved({ drafts: { ids: [messageId], reason: "failed" }, moved: [value] });
      return { value };
    });
  }

  /** Before a step on one message's lease: the caller's scope covers it, and expired leases are swept. */
  private enter(scope: EntityScope, messageId: string, doing: string): void {
    assertMessageInScope(scope, this.parts.messages, messageId, doing);
    this.parts.effects.expireLeases();
  }

  /** Records a queue poll; an entity that just became served is announced to the subscribers. */
  private recordPoller(workerId: string | undefined, entities: string[] | undefined, profiles?: EntityProfile[]): void {
    const { pollers, participants, live, clock } = this.parts;
    const arrived = pollers.record(workerId, entities, clock.now(), profiles);
    if (entities?.length) {
      participants.learn(
        entities.map((id) => {
          const profile = profiles?.find((p) => p.id === id);
          return profile ? { id, username: profile.username, color: profile.color } : { id };
        }),
      );
    }
    if (arrived && live.subscriberCount > 0) live.publishPresence(pollers.entities());
  }
}

function leaseSeconds(requested: number | undefined): number {
  return requested ?? LEASE.defaultSeconds;
}
