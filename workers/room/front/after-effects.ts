import type { Message } from "../../../types";
import type { Changes } from "../changes";
import type { Drafts } from "../drafts";
import type { LiveHub } from "../live";
import type { Messages } from "../messages";
import type { Queue } from "../queue";
import type { Waiters } from "../waiters";

export type DraftEnd = "complete" | "failed" | "released" | "expired" | "removed";

/**
 * What one committed queue transition (or moderation step) must tell the room's readers. The
 * effects run in one fixed order: the snapshot is marked dirty, then `updated`, `drafts`, and the
 * publish; `wake` says where in that order the parked long-polls are woken.
 */
export interface QueueMove {
  /** Messages changed in place (moderation): open pages replace them before anything else goes out. */
  updated?: readonly Message[];
  /** The drafts the move ends, and why: subscribers hear it before the queue change or the stored reply. */
  drafts?: { ids: readonly string[]; reason: DraftEnd };
  /** New messages (ascending) and the addressed messages whose queue state moved, read as they now stand. */
  publish?: { created?: Message[]; queueIds?: string[] };
  /** Or the moved messages as the step returned them, sent as they are (a claim). */
  moved?: readonly Message[];
  /**
   * Wakes the long-polls waiting for work. The wake-up itself runs on the next task (waiters.ts),
   * so its place is kept as each method always had it rather than for any reader to see.
   */
  wake?: "after-change" | "after-drafts" | "after-publish";
}

interface Deps {
  queue: Queue;
  messages: Messages;
  changes: Changes;
  drafts: Drafts;
  live: LiveHub;
  waiters: Waiters;
  now: () => number;
  /** Something visible changed: the snapshot needs rewriting (the Room's alarm coalesces it). */
  changed: () => void;
}

/**
 * The after-effects of a queue transition, said once. Every send happens synchronously inside
 * the unit of work that committed the change (docs/ARCHITECTURE.md "Push delivery"), so callers
 * run this in the same turn as the commit, with no await between.
 */
export class AfterEffects {
  constructor(private readonly deps: Deps) {}

  queueMoved(move: QueueMove): void {
    const { live, waiters } = this.deps;
    this.deps.changed();
    if (move.wake === "after-change") waiters.wakeAll();
    if (move.updated) live.publishUpdated(move.updated, this.deps.changes.head);
    if (move.drafts) for (const id of move.drafts.ids) this.dropDraft(id, move.drafts.reason);
    if (move.wake === "after-drafts") waiters.wakeAll();
    if (move.publish) this.publish(move.publish.created ?? [], move.publish.queueIds ?? []);
    if (move.moved) live.publishQueue(move.moved);
    if (move.wake === "after-publish") waiters.wakeAll();
  }

  /** Leases past their expiry go back to pending (swept before every queue step and by the alarm). */
  expireLeases(): void {
    const expired = this.deps.queue.expireLeases(this.deps.now());
    if (expired.length > 0) {
      this.queueMoved({
        wake: "after-change",
        drafts: { ids: expired, reason: "expired" },
        publish: { queueIds: expired },
      });
    }
  }

  /** A draft ends with its lease: subscribers are told before the queue change or the stored reply. */
  private dropDraft(messageId: string, reason: DraftEnd): void {
    if (this.deps.drafts.remove(messageId)) this.deps.live.publishDraftGone(messageId, reason);
  }

  /**
   * Tells the subscribers what this unit of work committed: new messages (ascending) and the
   * queue state of the addressed messages it moved. Reads nothing when nobody is subscribed.
   */
  private publish(created: Message[], queueIds: string[]): void {
    const { live, messages } = this.deps;
    if (queueIds.length > 0 || created.some((m) => m.botParams !== undefined)) live.queueMoved();
    if (live.subscriberCount === 0) return;
    live.publishMessages(created);
    if (queueIds.length > 0) {
      live.publishQueue(messages.byIds(queueIds).filter((m) => m.botParams !== undefined));
    }
  }
}
