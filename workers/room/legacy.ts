import type { Message } from "../../types";
import { RoomError } from "../errors";
import type { Counts } from "./counts";
import type { Db } from "./db";
import type { Jobs } from "./jobs";
import type { Messages } from "./messages";
import { toMessage } from "./rows";

/**
 * Recorded as `answered_token` when the predecessor's `PATCH processed: true` settled a message.
 * Real lease tokens are UUIDs, so this never equals one: a lease holder's later `complete` is 409.
 */
export const LEGACY_PATCH_TOKEN = "legacy-patch";

/** The `counts` key of messages settled by the legacy flow (shown by `/api/stats` and the monitor). */
export const LEGACY_ANSWERED_KEY = "legacy:answered";

export interface PatchResult {
  message: Message;
  /** Whether the patch settled the message (false: it was already settled, or not addressed). */
  settled: boolean;
}

/**
 * The predecessor's bot answers a message by posting an AI message without `replyTo`, then
 * `PATCH /api/comments/:id {"botParams":{"processed":true}}`. That PATCH is its only signal that the
 * question was answered, so it settles the message here; otherwise it would stay pending forever and
 * be answered again by one of our bots.
 *
 * It completes the message with NO linked reply. Linking "the entity's latest unlinked AI reply"
 * cannot be made provable: the old bot's reply carries no `replyTo`, its username is the entity's
 * display name (which the room cannot map to the entity id unless a bot reported a profile), and a
 * bot answering two questions at once posts both replies before either PATCH, so "the latest" would
 * link the wrong one. A wrong link is worse than none; the reply still shows in the conversation.
 */
export class LegacyFlow {
  constructor(
    private readonly db: Db,
    private readonly messages: Messages,
    private readonly counts: Counts,
    private readonly jobs: Jobs,
  ) {}

  /**
   * `processed: true` on a pending or processing addressed message completes it in one transaction,
   * releasing any lease (whoever holds it). Anything else changes nothing: `processed` is derived
   * from the queue status, so a client can neither reopen a settled message nor mark a plain one.
   */
  patchProcessed(id: string, processed: boolean): PatchResult {
    return this.db.transaction(() => {
      const row = this.messages.byId(id);
      if (!row) throw new RoomError("not_found", `No message with id "${id}"`);
      // Every open job of the message: the old bot knows one flag per message, not its jobs (E7).
      const open = this.jobs.of(row).filter((j) => j.status === "pending" || j.status === "processing");
      if (!processed || open.length === 0) return { message: toMessage(row), settled: false };
      for (const job of open) {
        this.jobs.answer(job, null, LEGACY_PATCH_TOKEN);
        this.counts.bump(LEGACY_ANSWERED_KEY, 1);
      }
      if (row.jobs !== null) this.jobs.refreshView(row.seq);
      const settled = this.messages.byId(id);
      if (!settled) throw new Error(`settled row ${row.seq} vanished`);
      return { message: toMessage(settled), settled: true };
    });
  }
}
