import type { CommentsPage, EntityScope, Message, MessageInput } from "../../../types";
import { RoomError, type RoomResult } from "../../errors";
import { SNAPSHOT_SIZE, type SnapshotDelta } from "../../snapshot";
import { assertSameContent } from "../idempotency";
import type { PageFilter } from "../messages";
import { assertMessageInScope, assertPostInScope } from "../scope";
import type { RoomParts } from "./parts";

/** How many in-place changes one page carries; a reader further behind catches up over polls. */
export const CHANGES_PAGE = 200;

const newId = () => crypto.randomUUID();

/** The bodies of the Room's message methods: posting, and every read of the history. */
export class MessageDoor {
  constructor(private readonly parts: RoomParts) {}

  /**
   * Stores a post. `limit` (absent for the bot and admin) rate-limits the client: checked here,
   * in the object that stores the post, so it costs no extra round trip. A replay of a stored id
   * is answered before the limit is charged.
   */
  async post(
    input: MessageInput,
    domain: string,
    limit: { client: string; perMinute: number } | null,
    scope: EntityScope,
  ): Promise<RoomResult<Message>> {
    const { messages, mutes, rateBuckets, clock, archive } = this.parts;
    return this.parts.work.runAsync(async () => {
      assertPostInScope(scope, messages, input);
      const admit = () => {
        if (!limit) return;
        // Mutes are in SQLite (they survive eviction) and are checked in this same transaction.
        mutes.check({ address: limit.client, username: input.username, color: input.color }, clock.now());
        const retryAfter = rateBuckets.take(limit.client, limit.perMinute, clock.now());
        if (retryAfter > 0) {
          throw new RoomError(
            "rate_limited",
            `Too many messages: the limit is ${limit.perMinute} a minute. Try again in ${retryAfter} s.`,
            retryAfter,
          );
        }
      };
      const post = (archivedCandidates?: (id: string) => number[]) =>
        messages.post(input, { now: clock.now(), domain, newId, admit, archivedCandidates });
      let result = post((id) => archive.candidates(id));
      if ("archived" in result) {
        // The id may belong to an archived message: a replay answers with it, as for a hot one,
        // and another message under its id is 409, as for a hot one.
        const stored = await archive.findArchived(input.id ?? "", result.archived);
        if (stored) {
          assertSameContent(input, stored);
          return { value: stored, status: 200 };
        }
        result = post(); // a hash collision with another id: this is a new message
      }
      if ("archived" in result) throw new Error("post without archive lookup returned an archive hit");
      if (result.created) {
        const { message } = result;
        // Same synchronous turn as the insert, so the two writes commit together.
        if (limit) this.parts.postAddresses.record(message.id, limit.client);
        this.parts.effects.queueMoved({
          wake: message.botParams ? "after-change" : undefined,
          // An AI post answering a message completes it: its draft (if any) gives way to this reply.
          drafts: message.replyTo ? { ids: [message.replyTo], reason: "complete" } : undefined,
          publish: { created: [message], queueIds: message.replyTo ? [message.replyTo] : [] },
        });
      }
      return { value: result.message, status: result.created ? 201 : 200 };
    });
  }

  /**
   * Messages after `cursor`, ascending; continues into the archive when `cursor` is below the hot
   * window. With `rev`, the page also carries the messages changed in place since that rev.
   */
  async after(cursor: number, limit: number, filter: PageFilter, rev?: number): Promise<RoomResult<CommentsPage>> {
    return this.parts.work.runAsync(async () => {
      const page = await this.parts.history.after(cursor, limit, filter);
      // An old client that sends no rev gets exactly the page it always got.
      return { value: rev === undefined ? page : await this.withChanges(page, rev) };
    });
  }

  /** The newest messages, or those before `before`, across hot rows and the archive. */
  async latest(limit: number, filter: PageFilter, before: number | null): Promise<RoomResult<CommentsPage>> {
    return this.parts.work.runAsync(async () => ({
      value: await this.withChanges(await this.parts.history.before(limit, filter, before)),
    }));
  }

  /**
   * The recent-window read when KV had no usable snapshot: answer from SQLite (an indexed
   * LIMIT, never a scan) and schedule a rewrite of the snapshot.
   */
  async latestAndRepair(limit: number, kvReads: number): Promise<RoomResult<CommentsPage>> {
    return this.parts.work.runAsync(async () => {
      this.parts.storage.kvReads += kvReads;
      this.parts.changed();
      const page = await this.parts.history.before(limit, { type: "ALL", users: [] }, null);
      return { value: await this.withChanges(page) };
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
    openIds: string[],
    rev: number,
  ): Promise<RoomResult<SnapshotDelta>> {
    return this.parts.work.runAsync(async () => {
      this.parts.storage.kvReads += kvReads;
      const page = await this.withChanges(await this.parts.history.after(seq, limit, { type: "ALL", users: [] }), rev);
      return { value: { ...page, refreshed: this.parts.messages.byIds(openIds.slice(0, SNAPSHOT_SIZE)) } };
    });
  }

  /** The predecessor's `PATCH processed`: settles an open addressed message (see room/legacy.ts). */
  setProcessed(id: string, processed: boolean, scope: EntityScope): RoomResult<Message> {
    return this.parts.work.run(() => {
      assertMessageInScope(scope, this.parts.messages, id, "update");
      const { message, settled } = this.parts.legacy.patchProcessed(id, processed);
      if (settled)
        this.parts.effects.queueMoved({ drafts: { ids: [id], reason: "removed" }, publish: { queueIds: [id] } });
      return { value: message };
    });
  }

  /**
   * Stamps a page with the change rev it reflects, plus the changes after `rev` when asked.
   * Changed messages that have since been archived are read from their segments.
   */
  private async withChanges(page: CommentsPage, rev?: number): Promise<CommentsPage> {
    const { changes, archive } = this.parts;
    if (rev === undefined) return { ...page, rev: changes.head };
    const since = changes.since(rev, CHANGES_PAGE);
    const updated = since.archived.length
      ? [...since.updated, ...(await archive.atSeqs(since.archived))]
      : since.updated;
    // More changes than one page: `hasMore` asks the reader to read again (from the new rev).
    return { ...page, hasMore: page.hasMore || since.hasMore, rev: since.rev, updated };
  }
}
