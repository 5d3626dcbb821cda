import type { CommentsPage, Message, ServerEvent } from "../../types";
import type { ServerQuery } from "./filters";
import {
  appendNewer,
  applyQueueChanges,
  EMPTY_WINDOW,
  fromFirstPage,
  isAwaitingReply,
  type MessageWindow,
  prependOlder,
  replaceById,
  upsert,
} from "./message-window";

/** The calls a feed needs; `ChatApi` provides them over HTTP. */
export interface FeedSource {
  recent(query: ServerQuery): Promise<CommentsPage>;
  /** With `rev`, the page also carries the messages changed in place since then (`updated`). */
  after(cursor: number, rev?: number): Promise<CommentsPage>;
  before(seq: number, query: ServerQuery): Promise<CommentsPage>;
  status(ids: readonly string[]): Promise<Message[]>;
}

export interface FeedOptions {
  /** Which addressed messages are mine, so their queue state gets refreshed. */
  isMine: (m: Message) => boolean;
  /** Pages to drain in one sync when the server says there is more (bounded catch-up). */
  maxPagesPerSync?: number;
  /** True while queue changes arrive by push: then a sync never asks `/status`. */
  isLive?: () => boolean;
  /** The recent window the server put in the page (first paint without a round trip). */
  initialPage?: CommentsPage | null;
}

/** At most this many ids per status refresh (the API's limit is 100). */
const STATUS_BATCH = 100;

/**
 * One conversation's messages, kept in step with the server. `sync()` loads the first page, then
 * polls `?cursor=` and refreshes the queue state of my waiting messages. Syncs never overlap:
 * a call while one runs is folded into exactly one more run after it, which starts from the
 * cursor the first one reached — so no range is fetched twice and no request races another.
 */
export class MessageFeed {
  private window: MessageWindow = EMPTY_WINDOW;
  private running: Promise<MessageWindow> | null = null;
  private runAgain = false;
  private olderLoad: Promise<MessageWindow> | null = null;
  private readonly source: FeedSource;
  private readonly query: ServerQuery;
  private readonly options: FeedOptions;
  private readonly listeners = new Set<(window: MessageWindow) => void>();
  /** Messages that arrived by polling in the last sync (not the first page): for sounds and unread. */
  private arrived: Message[] = [];

  /** The window came from the page itself (`initialPage`): the first sync has nothing to fetch. */
  private primed = false;

  constructor(source: FeedSource, query: ServerQuery, options: FeedOptions) {
    this.source = source;
    this.query = query;
    this.options = options;
    // The page's embedded window is loaded at once, so the first render already shows it: no
    // empty render in between, and no second render of the whole list once the first sync runs.
    const initial = this.unfiltered() ? options.initialPage : null;
    if (initial) {
      this.window = fromFirstPage(initial);
      this.primed = true;
    }
  }

  get current(): MessageWindow {
    return this.window;
  }

  /**
   * Called with every new window (also for changes made outside a sync, e.g. a POST answer).
   * Bound, so it can be handed to `useSyncExternalStore` as it is.
   */
  subscribe = (listener: (window: MessageWindow) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** New messages that arrived by polling since the last call. */
  takeArrived(): Message[] {
    const arrived = this.arrived;
    this.arrived = [];
    return arrived;
  }

  sync(): Promise<MessageWindow> {
    if (this.running) {
      this.runAgain = true;
      return this.running;
    }
    this.running = this.runUntilSettled().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** C3: one page of older history. Concurrent calls share the request. */
  loadOlder(): Promise<MessageWindow> {
    const first = this.window.messages[0];
    if (!this.window.loaded || !this.window.hasOlder || !first) return Promise.resolve(this.window);
    this.olderLoad ??= this.source
      .before(first.seq, this.query)
      .then((page) => {
        this.set(prependOlder(this.window, page));
        return this.window;
      })
      .finally(() => {
        this.olderLoad = null;
      });
    return this.olderLoad;
  }

  /**
   * One event from the room's live socket. Messages at or below the cursor were already had
   * (a resume may overlap what polling fetched), so merging by id keeps each exactly once.
   * Returns the cursor to resume from when the room stopped a catch-up early.
   */
  applyLive(event: ServerEvent): { resumeFrom: number } | null {
    if (!this.window.loaded) return null;
    switch (event.type) {
      case "messages": {
        const seen = new Set(this.window.messages.map((m) => m.id));
        const fresh = event.messages.filter((m) => m.seq > this.window.cursor && !seen.has(m.id));
        this.arrived.push(...fresh);
        this.set(appendNewer(this.window, { comments: event.messages, cursor: event.cursor, hasMore: false }));
        // The room holds this socket's broadcasts until we resume from exactly where it stopped.
        return event.hasMore ? { resumeFrom: event.cursor } : null;
      }
      case "queue":
        this.set(applyQueueChanges(this.window, event.changes));
        return null;
      case "updated": {
        const replaced = replaceById(this.window, event.messages);
        const rev = Math.max(replaced.rev ?? 0, event.rev ?? 0);
        this.set(event.rev === undefined ? replaced : { ...replaced, rev });
        return null;
      }
      default:
        return null;
    }
  }

  /**
   * Starts over from the first page: the room said the cursor cannot be resumed (it is ahead of
   * the room, or older than its hot window). Resolves with the new window.
   */
  async reload(): Promise<MessageWindow> {
    await this.running;
    // The embedded window is what could not be resumed: start over from the server's.
    this.primed = false;
    this.set(EMPTY_WINDOW);
    return this.sync();
  }

  /** A message the page learned about on its own (the stored copy a POST returned). */
  accept(message: Message): void {
    this.set(upsert(this.window, [message]));
  }

  private async runUntilSettled(): Promise<MessageWindow> {
    do {
      this.runAgain = false;
      await this.step();
    } while (this.runAgain);
    return this.window;
  }

  private async step(): Promise<void> {
    if (this.primed) {
      // The first sync of a primed feed is where an unprimed one loads its first page: it asks
      // nothing either (the live socket or the next poll resumes from the embedded cursor).
      this.primed = false;
      return;
    }
    if (!this.window.loaded) {
      this.set(await this.firstPage());
      return;
    }
    const seen = new Set(this.window.messages.map((m) => m.id));
    const maxPages = this.options.maxPagesPerSync ?? 5;
    for (let pages = 0; pages < maxPages; pages++) {
      const page = await this.source.after(this.window.cursor, this.window.rev);
      this.arrived.push(...page.comments.filter((m) => !seen.has(m.id) && !m.removed));
      this.set(appendNewer(this.window, page));
      if (!page.hasMore) break;
    }
    if (!this.options.isLive?.()) await this.refreshWaiting();
  }

  /**
   * A filtered conversation's history comes from the server filter (C2). The entities' replies
   * to me are by authors the filter cannot name in advance, so the unfiltered recent window is
   * merged in too; its cursor is the one to poll from, since it covers every message up to it.
   */
  private async firstPage(): Promise<MessageWindow> {
    if (this.query.users.length === 0) return fromFirstPage(await this.source.recent(this.query));
    const [history, recent] = await Promise.all([
      this.source.recent(this.query),
      this.source.recent({ users: [], channel: this.query.channel }),
    ]);
    const merged = appendNewer(fromFirstPage(history), { ...recent, rev: undefined });
    // Poll changes from the older of the two revs: replaying a change is harmless, missing one is not.
    const revs = [history.rev, recent.rev].filter((r): r is number => r !== undefined);
    return { ...merged, cursor: recent.cursor, ...(revs.length ? { rev: Math.min(...revs) } : {}) };
  }

  /** The recent window of the whole room: what the page embeds. */
  private unfiltered(): boolean {
    return this.query.users.length === 0 && this.query.channel === "ALL";
  }

  /** Cursor polling only brings new messages; queue-state changes of old ones need asking for. */
  private async refreshWaiting(): Promise<void> {
    const waiting = this.window.messages.filter((m) => isAwaitingReply(m) && this.options.isMine(m));
    if (waiting.length === 0) return;
    const ids = waiting.slice(-STATUS_BATCH).map((m) => m.id);
    this.set(upsert(this.window, await this.source.status(ids)));
  }

  private set(window: MessageWindow) {
    if (window === this.window) return;
    this.window = window;
    for (const listener of this.listeners) listener(window);
  }
}
