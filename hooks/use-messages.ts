"use client";

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import type { ChatApi } from "@/lib/chat/api";
import type { ConnectionState } from "@/lib/chat/connection-state";
import { MessageFeed } from "@/lib/chat/feed";
import { type ServerQuery, serverQueryKey } from "@/lib/chat/filters";
import type { Identity } from "@/lib/chat/hash-state";
import { readInitialWindow } from "@/lib/chat/initial-window";
import { EMPTY_WINDOW, type MessageWindow, withoutTombstones } from "@/lib/chat/message-window";
import { type LocalSend, localOutboxStore, Outbox } from "@/lib/chat/outbox";
import { isMine } from "@/lib/chat/outgoing";
import { POLL, pollInterval } from "@/lib/chat/poll-schedule";
import { ApiError } from "@/lib/client/core";
import type { ClientFrame, Message, MessageInput, ServerEvent } from "@/types";
import { useActivity } from "./use-activity";
import { useLive } from "./use-live";

export interface ChatMessage extends Message {
  /** Present while a send is in flight, being retried, or failed (C4). */
  send?: { state: LocalSend["state"]; error?: string };
}

export interface MessagesState {
  /** Stored messages ascending by seq, then my unsent ones in the order I sent them. */
  messages: ChatMessage[];
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** The last poll failed while not live; polling keeps retrying with backoff. */
  offline: boolean;
  /** How new messages reach the page: by push (`live`), or by polling while the socket is away. */
  connection: ConnectionState;
  loadOlder: () => Promise<void>;
  send: (input: MessageInput) => void;
  retry: (id: string) => void;
}

interface Options {
  api: ChatApi;
  room: string;
  query: ServerQuery;
  me: Identity | undefined;
  /** New messages that arrived by polling (not the first page): sounds, unread counts. */
  onArrived?: (messages: Message[]) => void;
  /** Every event of the live socket (the page's drafts listen here). */
  onLiveEvent?: (event: ServerEvent) => void;
  /** Filled with a sender of the page's own live frames (typing) while the socket is open. */
  liveFrames?: { current: ((frame: ClientFrame) => void) | null };
}

/**
 * The one data hook (C2, C4, E3): loads the recent window (or the filtered conversation's
 * history), then follows the room by push over its live socket. While the socket is not live,
 * it polls `?cursor=` through SWR — about every second while the person is active, backing off
 * to 30 s when idle or hidden, at once after a send and on focus. The MessageFeed keeps polls
 * from overlapping, never asks for a range twice, and merges pushed and polled pages by id.
 *
 * One copy of the messages: the feed owns the stored ones and the page reads them from it
 * (`useSyncExternalStore`); SWR only schedules the polls and reports their errors, its data is
 * just the cursor a poll reached. The outbox owns my unsent inputs; the two are merged in one memo.
 */
export function useMessages({ api, room, query, me, onArrived, onLiveEvent, liveFrames }: Options): MessagesState {
  const meRef = useRef(me);
  meRef.current = me;
  const onArrivedRef = useRef(onArrived);
  onArrivedRef.current = onArrived;

  const serverQuery = useQueryByKey(query);
  const queryKey = serverQueryKey(serverQuery);
  const liveRef = useRef<ConnectionState>("connecting");
  const feed = useMemo(
    () =>
      new MessageFeed(api, serverQuery, {
        isMine: (m) => isMine(m, meRef.current),
        isLive: () => liveRef.current === "live",
        initialPage: readInitialWindow(room),
      }),
    [api, serverQuery, room],
  );
  const held = useSyncExternalStore(
    feed.subscribe,
    () => feed.current,
    () => EMPTY_WINDOW,
  );
  const current = useKeptUntilLoaded(feed, held);

  const { mode, lastActiveAt } = useActivity();
  // A new function identity restarts SWR's timer, so leaving idle or hidden polls on the fast pace.
  // `mode` is in the deps only as the restart signal.
  const refreshInterval = useCallback(
    () => pollInterval(Date.now() - lastActiveAt.current, document.hidden),
    [mode, lastActiveAt],
  );

  // A poll: the feed stores what it brings; SWR keeps only the cursor reached (its data is never read).
  const poll = useCallback(async () => {
    const synced = await feed.sync();
    const arrived = feed.takeArrived();
    if (arrived.length) onArrivedRef.current?.(arrived);
    return synced.cursor;
  }, [feed]);

  // The socket opens on this feed's own first page (the view may still show the previous feed's).
  const connection = useLive({
    feed,
    room,
    query: serverQuery,
    loaded: held.loaded,
    onArrived,
    onEvent: onLiveEvent,
    frames: liveFrames,
  });
  liveRef.current = connection;
  const live = connection === "live";

  const config: SWRConfiguration<number, Error> = {
    // Pushed messages need no timer; polling resumes the moment the socket is away.
    refreshInterval: live ? 0 : refreshInterval,
    // Hidden tabs still poll, slowly (POLL.hiddenMs), so the title's unread count (N2) stays true.
    refreshWhenHidden: true,
    revalidateOnFocus: !live,
    focusThrottleInterval: 1_000,
    // The feed folds overlapping calls itself; SWR's own dedupe would stretch the 1 s pace.
    dedupingInterval: 0,
    onErrorRetry: (error, _key, _config, revalidate, { retryCount }) => {
      const hinted = error instanceof ApiError && error.retryAfter ? error.retryAfter * 1000 : 0;
      const backoff = Math.min(POLL.maxMs, POLL.activeMs * 2 ** Math.min(retryCount, 5));
      window.setTimeout(() => revalidate({ retryCount }), Math.max(hinted, backoff));
    },
  };
  const { error, mutate: pollNow } = useSWR<number, Error>(["messages", room, queryKey], poll, config);

  // Coming back (from idle or a hidden tab) polls at once rather than at the end of a slow interval.
  const previousMode = useRef(mode);
  useEffect(() => {
    if (previousMode.current !== "active" && mode === "active" && liveRef.current !== "live") void pollNow();
    previousMode.current = mode;
  }, [mode, pollNow]);

  // My unsent messages: retried by themselves on network/5xx failures, kept across reloads (C4).
  const outbox = useMemo(
    () =>
      new Outbox({
        post: (input) => api.post(input),
        onStored: (stored) => {
          feed.accept(stored);
          // Live, the stored copy and its queue changes arrive by push; polling asks at once.
          if (liveRef.current !== "live") void pollNow();
        },
        store: localOutboxStore(room),
        now: Date.now,
        schedule: (fn, ms) => window.setTimeout(fn, ms),
      }),
    [api, feed, room, pollNow],
  );
  useEffect(() => outbox.resumeSaved(), [outbox]);
  const sends = useSyncExternalStore(
    outbox.subscribe,
    () => outbox.entries,
    () => outbox.entries,
  );
  const send = useCallback((input: MessageInput) => outbox.send(input), [outbox]);
  const retry = useCallback((id: string) => outbox.retry(id), [outbox]);

  const [loadingOlder, setLoadingOlder] = useState(false);
  const loadOlder = useCallback(async () => {
    setLoadingOlder(true);
    try {
      await feed.loadOlder();
    } finally {
      setLoadingOlder(false);
    }
  }, [feed]);

  // What the page shows: the stored messages, then my sends the server has not stored yet.
  const messages = useMemo(() => {
    // A removed message of mine is still "stored": its tombstone must not bring back my local copy.
    const stored = new Set(current.messages.map((m) => m.id));
    const shown = withoutTombstones(current.messages);
    const pending: ChatMessage[] = sends
      .filter((s) => !stored.has(s.input.id ?? ""))
      .map((s) => ({ ...s.message, send: { state: s.state, error: s.error } }));
    return pending.length ? [...shown, ...pending] : shown;
  }, [current.messages, sends]);

  return {
    messages,
    loaded: current.loaded,
    hasOlder: current.hasOlder,
    loadingOlder,
    offline: error !== undefined && !live,
    connection,
    loadOlder,
    send,
    retry,
  };
}

/**
 * The same query object for as long as its server key stays the same (the page builds a new
 * object on every hash change), so the feed and its socket live exactly as long as the query.
 */
function useQueryByKey(query: ServerQuery): ServerQuery {
  const [held, setHeld] = useState(query);
  if (serverQueryKey(held) === serverQueryKey(query)) return held;
  setHeld(query);
  return query;
}

/**
 * What the view shows of `held`, the feed's window. A new query's feed starts empty: until its
 * first page arrives, the view keeps showing what the previous feed last had (as SWR's
 * keepPreviousData did) rather than flashing an empty list. A feed that reloads its own history
 * shows empty meanwhile: that history is the one being replaced.
 */
function useKeptUntilLoaded(feed: MessageFeed, held: MessageWindow): MessageWindow {
  // The previous feed's last loaded window, kept only until this feed's first page.
  const [handover, setHandover] = useState<{ feed: MessageFeed; previous: MessageWindow | null }>({
    feed,
    previous: null,
  });
  let previous = handover.previous;
  if (handover.feed !== feed) previous = handover.feed.current.loaded ? handover.feed.current : handover.previous;
  if (held.loaded) previous = null;
  // Adjusted while rendering (React's pattern for "an input changed"): at most twice per new feed.
  if (handover.feed !== feed || handover.previous !== previous) setHandover({ feed, previous });
  return previous ?? held;
}
