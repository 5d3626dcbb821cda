import {
  type ClientFrame,
  type CommentsPage,
  clientFrameSchema,
  type Draft,
  distinctUserFilters,
  type EntitySeen,
  LIVE,
  LIVE_CLOSE,
  LIVE_ERROR,
  type Line,
  type LiveFilter,
  liveFilterSchema,
  type Message,
  publicMessage,
  type QueueChange,
  type ServerFrame,
} from "../../types";
import { FrameLimiter } from "./frame-limiter";
import { type AuthorOf, filterKey, shows } from "./live-filter";
import { Presence } from "./presence";
import { ResumeBudget } from "./resume-budget";
import type { Typist } from "./typists";

/** Carries the live route's validated parameters from the Worker to the Room. */
export const LIVE_PARAMS_HEADER = "x-sww-live";

/**
 * The hibernation tag of one client address's sockets: a hash (tags are listed by the runtime;
 * the address itself stays in the attachment, for mutes), and so `getWebSockets(tag)` counts them without a scan of every socket
 * (tags survive hibernation with the socket).
 */
export async function addressTag(address: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`live-address:${address}`));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `addr:${hex}`;
}

/** What the hub reads from the room: the committed history and the room's live state. */
export interface LiveSource {
  head(): number;
  /** The highest archived seq: below it, history lives in R2 and is read over HTTP. */
  floor(): number;
  /** Unfiltered hot messages with seq > cursor, ascending (the same read as cursor polling). */
  after(cursor: number, limit: number): CommentsPage;
  authorOf: AuthorOf;
  entities(): EntitySeen[];
  /** The current drafts, each with the message it answers (a socket gets those whose question it shows). */
  drafts(): { draft: Draft; question: Message }[];
  /** Messages changed in place (moderation) after `rev`, a bounded page, and the rev reached. */
  changesSince(rev: number): { updated: Message[]; rev: number; hasMore: boolean };
  /** Every entity's line (workers/room/lines.ts). */
  lines(): Line[];
  /** Whether a moderator muted this identity or client address. */
  muted(who: Typist & { address: string | null }): boolean;
}

/** What each socket remembers across hibernation (its attachment, at most 2 KB). */
interface Subscription {
  v: 1;
  /** Stable across wake-ups (the runtime hands us a new WebSocket object each time). */
  id: string;
  filter: LiveFilter;
  /** A bounded catch-up stopped early: broadcasts wait for the client's next resume. */
  paused?: boolean;
  /** The client address the Worker saw (for mutes on typing frames). */
  address?: string;
}

/**
 * The room's subscribers: hibernatable WebSockets accepted by the Durable Object. The hub sends
 * each socket what its filter shows — new messages after their commit, queue transitions, drafts,
 * presence — and answers `resume` with exactly the messages after the client's cursor. Delivery
 * order is the room's: every send happens synchronously inside the unit of work that committed
 * the change, so a socket never sees seq N+1 before N.
 */
export class LiveHub {
  private readonly limiter = new FrameLimiter(LIVE.framesPerSecond, LIVE.burst);
  /** Rows each socket's catch-ups may re-read (keyed by subscription id, like the limiter). */
  private readonly resumeBudget = new ResumeBudget(LIVE.resumeRowsBurst, LIVE.resumeRowsPerMinute);
  /** Decoded attachments of the sockets this instance has seen (see subscription()). */
  private readonly decoded = new WeakMap<WebSocket, Subscription & { key: string }>();
  /** Viewer count, typists and lines: coalesced aggregates, the same frame for every socket. */
  private readonly presence: Presence;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly source: LiveSource,
    private readonly now: () => number,
  ) {
    this.presence = new Presence(
      { sockets: () => this.ctx.getWebSockets(), lines: () => source.lines(), muted: (who) => source.muted(who) },
      { now, set: (fn, ms) => setTimeout(fn, ms), clear: (handle) => clearTimeout(handle as number) },
    );
  }

  get subscriberCount(): number {
    return this.ctx.getWebSockets().length;
  }

  /**
   * Accepts a subscriber (hibernatable: the object may sleep while the socket stays open) and
   * sends `hello`, then everything after `cursor` when the client named one.
   */
  accept(
    cursor: number | undefined,
    filter: LiveFilter,
    rev: number | undefined,
    tag: string,
    address?: string,
  ): WebSocket {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (this.ctx.getWebSockets(tag).length >= LIVE.maxSocketsPerAddress) {
      // Accepted (not hibernatable, never counted, never sent anything) only to be closed with a
      // code the page can read: a refused upgrade reaches a browser as a bare 1006.
      server.accept();
      this.close(
        server,
        LIVE_CLOSE.tooManySockets,
        `this network already has ${LIVE.maxSocketsPerAddress} live connections to this room; close some tabs`,
      );
      return client;
    }
    this.ctx.acceptWebSocket(server, [tag]);
    this.subscribe(server, crypto.randomUUID(), filter, false, address);
    const head = this.source.head();
    this.send(server, {
      type: "hello",
      head,
      cursor: cursor ?? head,
      drafts: this.source
        .drafts()
        .filter((d) => shows(filter, d.question, this.source.authorOf))
        .map((d) => d.draft),
      entities: this.source.entities(),
    });
    if (cursor !== undefined) this.resume(server, cursor);
    // A client whose window came from a cached snapshot learns what was removed since, once.
    if (rev !== undefined) this.sendChanges(server, filter, rev);
    this.presence.accepted(server);
    return client;
  }

  /** The socket closed: the count drops and its typist goes (both with the next activity flush). */
  closed(ws: WebSocket): void {
    this.presence.closed(this.subscription(ws).id);
  }

  /** The queue moved (a post to an entity, a claim, an answer…): every line is sent again, coalesced. */
  queueMoved(): void {
    this.presence.queueMoved();
  }

  /** One client frame: validated, rate-limited, then acted on. Bad frames close only that socket. */
  receive(ws: WebSocket, data: string | ArrayBuffer): void {
    const verdict = this.admit(ws, data);
    if ("close" in verdict) this.close(ws, verdict.close, verdict.reason);
    else this.act(ws, verdict.frame);
  }

  /** Checks size first (cheapest), then rate, then shape; the first failure decides the close. */
  private admit(ws: WebSocket, data: string | ArrayBuffer): { frame: ClientFrame } | { close: number; reason: string } {
    const size = typeof data === "string" ? data.length : data.byteLength;
    if (size > LIVE.maxClientFrameBytes) {
      return { close: LIVE_CLOSE.frameTooLarge, reason: `frame over ${LIVE.maxClientFrameBytes / 1024} KB` };
    }
    if (!this.limiter.take(this.subscription(ws).id, this.now())) {
      return { close: LIVE_CLOSE.flooding, reason: `more than ${LIVE.framesPerSecond} frames a second` };
    }
    if (typeof data !== "string") return { close: LIVE_CLOSE.invalidFrame, reason: "frames must be JSON text" };
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return { close: LIVE_CLOSE.invalidFrame, reason: "frame is not valid JSON" };
    }
    const frame = clientFrameSchema.safeParse(json);
    if (frame.success) return { frame: frame.data };
    const issue = frame.error.issues[0];
    return {
      close: LIVE_CLOSE.invalidFrame,
      reason: `invalid frame: ${issue?.path.join(".") || "type"} ${issue?.message ?? ""}`,
    };
  }

  /** Newly committed messages, ascending by seq. */
  publishMessages(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const cursor = this.source.head();
    // Sockets are anonymous: each frame carries the public view (once per publish, not per socket).
    const visible = messages.map(publicMessage);
    this.fanOut((filter) => {
      const shown = visible.filter((m) => shows(filter, m, this.source.authorOf));
      return shown.length ? messagesFrame(shown, cursor, false) : null;
    });
  }

  /** Addressed messages whose queue state changed (as they now stand). */
  publishQueue(changed: readonly Message[]): void {
    if (changed.length === 0) return;
    this.presence.queueMoved();
    const visible = changed.map(publicMessage);
    this.fanOut((filter) => {
      const changes = visible.filter((m) => shows(filter, m, this.source.authorOf)).flatMap(queueChanges);
      return changes.length ? { type: "queue", changes } : null;
    });
  }

  /**
   * Messages that changed in place (moderation): everyone whose view showed them replaces them.
   * A tombstone has no author left, so it goes to every socket; the page drops unknown ids.
   */
  publishUpdated(messages: readonly Message[], rev: number): void {
    if (messages.length === 0) return;
    const visible = messages.map(publicMessage);
    this.fanOut((filter) => {
      const shown = visible.filter((m) => m.removed || shows(filter, m, this.source.authorOf));
      return shown.length ? { type: "updated", messages: shown, rev } : null;
    });
  }

  private sendChanges(ws: WebSocket, filter: LiveFilter, rev: number): void {
    let at = rev;
    for (let n = 0; n < LIVE.catchUpPages; n++) {
      const page = this.source.changesSince(at);
      const shown = page.updated.filter((m) => m.removed || shows(filter, m, this.source.authorOf)).map(publicMessage);
      if (shown.length) this.send(ws, { type: "updated", messages: shown, rev: page.rev });
      at = page.rev;
      if (!page.hasMore) return;
    }
  }

  publishPresence(entities: EntitySeen[]): void {
    this.fanOut(() => ({ type: "presence", entities }));
  }

  /** A draft goes to the sockets that show the message being answered. */
  publishDraft(draft: Draft, question: Message): void {
    this.fanOut((filter) => (shows(filter, question, this.source.authorOf) ? { type: "draft", draft } : null));
  }

  publishDraftGone(messageId: string, reason: "complete" | "failed" | "released" | "expired" | "removed"): void {
    this.fanOut(() => ({ type: "draft-gone", messageId, reason }));
  }

  private act(ws: WebSocket, frame: ClientFrame): void {
    switch (frame.type) {
      case "resume":
        this.resume(ws, frame.cursor);
        return;
      case "filter": {
        const { id, paused, address } = this.subscription(ws);
        this.subscribe(ws, id, frame.filter, paused, address);
        return;
      }
      case "typing": {
        const { id, address } = this.subscription(ws);
        if (this.presence.typing(id, address ?? null, frame) === "muted") {
          this.send(ws, {
            type: "error",
            code: "muted",
            message: "A moderator muted you here: others do not see you typing, and your messages are not posted.",
          });
        }
        return;
      }
      case "ping":
        // Normally answered by the auto-response without waking us; a ping with other spacing lands here.
        ws.send(LIVE.pong);
        return;
    }
  }

  /**
   * Sends every message after `cursor` that the socket's filter shows, a page at a time, and
   * ends with the cursor reached. Stops after LIVE.catchUpPages pages with `hasMore` so one
   * resume never makes the room do unbounded work; the client resumes again from there.
   */
  private resume(ws: WebSocket, cursor: number): void {
    const head = this.source.head();
    if (cursor > head) {
      this.send(ws, {
        type: "error",
        code: LIVE_ERROR.cursorAhead,
        message: `cursor ${cursor} is beyond the room's newest message (${head}); reload the history`,
      });
      return;
    }
    if (cursor < this.source.floor()) {
      // Catch-up reads only hot rows, synchronously, so no broadcast can overtake it; a client
      // that missed more than the whole hot window reloads its history over HTTP instead.
      this.send(ws, {
        type: "error",
        code: LIVE_ERROR.cursorArchived,
        message: `cursor ${cursor} is older than the room's hot window (from ${this.source.floor()}); reload the history`,
      });
      return;
    }
    const subscription = this.subscription(ws);
    if (cursor < head && this.resumeBudget.available(subscription.id, this.now()) < PAGE_ROWS) {
      // Nothing read: the client has re-read too much lately (a reconnect spends only its gap).
      this.send(ws, {
        type: "error",
        code: LIVE_ERROR.resumeBudget,
        message: `this connection re-read more than ${LIVE.resumeRowsBurst} messages lately; reload the history over HTTP, or resume later`,
      });
      return;
    }
    let at = cursor;
    for (let n = 1; ; n++) {
      const page = this.source.after(at, LIVE.catchUpPage);
      // The rows that read touched: the page, and the one past it that said hasMore.
      this.resumeBudget.spend(subscription.id, page.comments.length + (page.hasMore ? 1 : 0), this.now());
      const shown = page.comments.filter((m) => shows(subscription.filter, m, this.source.authorOf)).map(publicMessage);
      at = page.cursor;
      const spent = this.resumeBudget.available(subscription.id, this.now()) < PAGE_ROWS;
      // No room for another page: stop as at the page limit (so a catch-up never reads past the
      // budget); the next resume is told why, once the client asks for the rest.
      const last = !page.hasMore || n === LIVE.catchUpPages || spent;
      if (shown.length > 0 || last) {
        this.send(ws, messagesFrame(shown, at, last && page.hasMore));
      }
      if (last) {
        // Stopped early: hold this socket's broadcasts until it resumes, or a newer message would
        // reach it before the ones between `at` and the head, and its cursor would skip them.
        const paused = page.hasMore;
        if (paused !== Boolean(subscription.paused)) this.setPaused(ws, subscription, paused);
        return;
      }
    }
  }

  /** Builds each distinct filter's frame once and sends it to every socket with that filter. */
  private fanOut(frameFor: (filter: LiveFilter) => ServerFrame | null): void {
    const frames = new Map<string, string | null>();
    for (const ws of this.ctx.getWebSockets()) {
      const { filter, paused, key } = this.subscription(ws);
      // Mid catch-up: its next resume brings these too, in order.
      if (paused) continue;
      let frame = frames.get(key);
      if (frame === undefined) {
        const event = frameFor(filter);
        frame = event ? JSON.stringify(event) : null;
        frames.set(key, frame);
      }
      if (frame !== null) this.sendRaw(ws, frame);
    }
  }

  private subscribe(ws: WebSocket, id: string, filter: LiveFilter, paused = false, address?: string): void {
    // Each pair once (a `filter` frame may repeat one): the same view has the same key and frame.
    const distinct = { channel: filter.channel, users: distinctUserFilters(filter.users) };
    const subscription: Subscription = {
      v: 1,
      id,
      filter: distinct,
      ...(paused ? { paused } : {}),
      ...(address ? { address } : {}),
    };
    ws.serializeAttachment(subscription);
    this.remember(ws, subscription);
  }

  private setPaused(ws: WebSocket, subscription: Subscription, paused: boolean): void {
    this.subscribe(ws, subscription.id, subscription.filter, paused, subscription.address);
  }

  /**
   * The socket's subscription. While the object stays in memory the runtime hands us the same
   * WebSocket objects, so the decoded attachment is kept beside each one (a broadcast to N sockets
   * then decodes nothing); after hibernation the objects are new, the map is empty, and each
   * socket's attachment is decoded once on first use. Every write goes through subscribe(), which
   * updates both, so the two never disagree.
   */
  private subscription(ws: WebSocket): Subscription & { key: string } {
    const known = this.decoded.get(ws);
    if (known) return known;
    return this.remember(ws, this.decode(ws.deserializeAttachment() as Partial<Subscription> | null));
  }

  private remember(ws: WebSocket, subscription: Subscription): Subscription & { key: string } {
    const entry = { ...subscription, key: filterKey(subscription.filter) };
    this.decoded.set(ws, entry);
    return entry;
  }

  private decode(stored: Partial<Subscription> | null): Subscription {
    // Written only by subscribe() from a validated filter: a shape check is enough.
    if (stored?.v === 1 && typeof stored.id === "string" && stored.filter && Array.isArray(stored.filter.users)) {
      return stored as Subscription;
    }
    const filter = liveFilterSchema.safeParse(stored?.filter ?? {});
    return {
      v: 1,
      id: typeof stored?.id === "string" ? stored.id : "unknown",
      filter: filter.success ? filter.data : { channel: "ALL", users: [] },
      paused: stored?.paused === true,
      ...(typeof stored?.address === "string" ? { address: stored.address } : {}),
    };
  }

  private send(ws: WebSocket, event: ServerFrame): void {
    this.sendRaw(ws, JSON.stringify(event));
  }

  private sendRaw(ws: WebSocket, frame: string): void {
    try {
      ws.send(frame);
    } catch {
      // Closing or closed: the client resumes from its cursor when it reconnects.
    }
  }

  private close(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason.slice(0, 120));
    } catch {
      // Already closed.
    }
  }
}

/** Rows one catch-up page may read: the page, and the row past it that says hasMore. */
const PAGE_ROWS = LIVE.catchUpPage + 1;
/** One change per job of a message with several (each naming its entity), else the message's only one. */
function queueChanges(m: Message): QueueChange[] {
  if (!m.jobs || m.jobs.length < 2) return [queueChange(m)];
  return m.jobs.map((job) => ({
    id: m.id,
    entity: job.entity,
    seq: m.seq,
    status: job.status,
    attempts: job.attempts,
    error: job.error,
    leaseExpiresAt: job.entity === m.botParams?.entity ? (m.botParams?.leaseExpiresAt ?? null) : null,
  }));
}

function queueChange(m: Message): QueueChange {
  const bp = m.botParams;
  return {
    id: m.id,
    seq: m.seq,
    status: bp?.status ?? "complete",
    attempts: bp?.attempts ?? 0,
    error: bp?.error ?? null,
    leaseExpiresAt: bp?.leaseExpiresAt ?? null,
  };
}

/**
 * A `messages` frame with nothing a viewer can work out for itself: `cursor` only when it is not
 * the last message's seq (a filtered socket's, or a catch-up's page that showed none), `hasMore`
 * only when true. Every viewer receives every broadcast, so each byte counts once per socket.
 */
function messagesFrame(messages: Message[], cursor: number, hasMore: boolean): ServerFrame {
  return {
    type: "messages",
    messages,
    ...(messages.at(-1)?.seq === cursor ? {} : { cursor }),
    ...(hasMore ? { hasMore } : {}),
  };
}
