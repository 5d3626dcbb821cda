import {
  type ClientFrame,
  type CommentsPage,
  clientFrameSchema,
  type Draft,
  type EntitySeen,
  LIVE,
  LIVE_CLOSE,
  LIVE_ERROR,
  type Line,
  type LiveFilter,
  type Message,
  publicMessage,
  type ServerFrame,
} from "../../types";
import { FrameLimiter } from "./frame-limiter";
import { type AuthorOf, shows } from "./live-filter";
import { messagesFrame, queueChanges } from "./live-frames";
import { Presence } from "./presence";
import { ResumeBudget } from "./resume-budget";
import { Subscriptions } from "./subscriptions";
import type { Typist } from "./typists";

/** Carries the live route's validated parameters from the Worker to the Room. */
export const LIVE_PARAMS_HEADER = "x-sww-live";

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
  /** Each socket's filter and identity, kept in its attachment (workers/room/subscriptions.ts). */
  private readonly subscriptions = new Subscriptions();
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
    this.subscriptions.write(server, { id: crypto.randomUUID(), filter, address });
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
    this.presence.closed(this.subscriptions.of(ws).id);
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
    if (!this.limiter.take(this.subscriptions.of(ws).id, this.now())) {
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
        this.subscriptions.write(ws, { ...this.subscriptions.of(ws), filter: frame.filter });
        return;
      }
      case "typing": {
        const { id, address } = this.subscriptions.of(ws);
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
    const subscription = this.subscriptions.of(ws);
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
        if (paused !== Boolean(subscription.paused)) this.subscriptions.write(ws, { ...subscription, paused });
        return;
      }
    }
  }

  /** Builds each distinct filter's frame once and sends it to every socket with that filter. */
  private fanOut(frameFor: (filter: LiveFilter) => ServerFrame | null): void {
    const frames = new Map<string, string | null>();
    for (const ws of this.ctx.getWebSockets()) {
      const { filter, paused, key } = this.subscriptions.of(ws);
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
