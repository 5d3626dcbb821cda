import type { AuditEntry, Message, Mute, MuteRequest, RemoveRequest } from "../../../types";
import { describeTarget, type MuteTarget } from "../../../types";
import { RoomError, type RoomResult } from "../../errors";
import type { ModerationOutcome } from "../removals";
import type { RoomParts } from "./parts";

/** The bodies of the Room's operator actions: remove and restore, mutes, the audit trail. */
export class ModerationDoor {
  constructor(private readonly parts: RoomParts) {}

  /**
   * A hot message is removed in one synchronous step, as always; an archived one is found through
   * the archive's id index first (a corrupt segment is 503, an id stored nowhere 404).
   */
  async remove(req: RemoveRequest, operator: string): Promise<RoomResult<ModerationOutcome>> {
    const { removals, clock } = this.parts;
    return this.parts.work.runAsync(async () => {
      const value = removals.holds(req.messageId)
        ? removals.remove(req.messageId, req.reason, operator, clock.now())
        : removals.removeArchived(await this.archived(req.messageId), req.reason, operator, clock.now());
      if (value.changed) {
        // Open pages drop the row at once; a viewer mid-stream loses the draft with it.
        this.parts.effects.queueMoved({
          updated: value.updated,
          drafts: { ids: [req.messageId], reason: "removed" },
          publish: { queueIds: [req.messageId] },
        });
      }
      return { value };
    });
  }

  async restore(messageId: string, operator: string): Promise<RoomResult<ModerationOutcome>> {
    const { removals, clock } = this.parts;
    return this.parts.work.runAsync(async () => {
      const value = removals.holds(messageId)
        ? removals.restore(messageId, operator, clock.now())
        : removals.restoreArchived(await this.archived(messageId), operator, clock.now());
      // Only a restore that changed the message requeues it (removals.ts), so a requeue wakes here.
      if (value.changed) {
        this.parts.effects.queueMoved({ updated: value.updated, wake: value.requeued ? "after-publish" : undefined });
      }
      return { value };
    });
  }

  mute(req: MuteRequest, operator: string): RoomResult<Mute> {
    const { db, postAddresses, mutes, audit, clock } = this.parts;
    return this.parts.work.run(() => {
      const now = clock.now();
      const value = db.transaction(() => {
        const target = postAddresses.resolve(req.target);
        const mute = mutes.set(target, now + req.minutes * 60_000, req.reason, operator, now);
        audit.record({ at: now, operator, action: "mute", target: describeTarget(target), reason: req.reason });
        return mute;
      });
      return { value };
    });
  }

  /** Lifting takes effect at once: the next post's check reads the same table. */
  unmute(target: MuteTarget, operator: string): RoomResult<{ lifted: boolean }> {
    const { db, mutes, audit, clock } = this.parts;
    return this.parts.work.run(() => {
      const now = clock.now();
      const value = db.transaction(() => {
        const lifted = mutes.lift(target, now);
        if (lifted) audit.record({ at: now, operator, action: "unmute", target: describeTarget(target), reason: "" });
        return { lifted };
      });
      return { value };
    });
  }

  activeMutes(): RoomResult<Mute[]> {
    return this.parts.work.run(() => ({ value: this.parts.mutes.list(this.parts.clock.now()) }));
  }

  auditTrail(limit: number): RoomResult<AuditEntry[]> {
    return this.parts.work.run(() => ({ value: this.parts.audit.recent(limit) }));
  }

  /** An archived message as its segment holds it (before removals apply), or 404. */
  private async archived(messageId: string): Promise<Message> {
    const { archive } = this.parts;
    const found = await archive.findArchived(messageId, archive.candidates(messageId), { asStored: true });
    if (!found) throw new RoomError("not_found", `No message with id "${messageId}"`);
    return found;
  }
}
