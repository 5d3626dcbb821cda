"use client";

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import { ApiError, type ChatApi } from "@/lib/api";
import { MessageFeed } from "@/lib/feed";
import { type ServerQuery, serverQueryKey } from "@/lib/filters";
import type { Identity } from "@/lib/hash-state";
import { readInitialWindow } from "@/lib/initial-window";
import type { ConnectionState } from "@/lib/live-connection";
import { EMPTY_WINDOW, type MessageWindow, visibleMessages } from "@/lib/message-window";
import { type LocalSend, localOutboxStore, Outbox } from "@/lib/outbox";
import { isMine } from "@/lib/outgoing";
import { POLL, pollInterval } from "@/lib/poll-schedule";
import type { Message, MessageInput, ServerEvent } from "@/types";
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
}

/**
 * The one data hook (C2, C4, E3): loads the recent window (or the filtered conversation's
 * history), then follows the room by push over its live socket. While the socket is not live,
 * it polls `?cursor=` through SWR — about every second while the person is active, backing off
 * to 30 s when idle or hidden, at once after a send and on focus. The MessageFeed keeps polls
 * from overlapping, never asks for a range twice, and merges pushed and polled pages by id.
 */
export function useMessages({ api, room, query, me, onArrived, onLiveEvent }: Options): MessagesState {
  const meRef = useRef(me);
  meRef.current = me;
  const onArrivedRef = useRef(onArrived);
  onArrivedRef.current = onArrived;

  const queryKey = serverQueryKey(query);
  const liveRef = useRef<ConnectionState>("connecting");
  // One feed per query key (not per query object identity).
  const feed = useMemo(
    () =>
      new MessageFeed(api, query, {
        isMine: (m) => isMine(m, meRef.current),
        isLive: () => liveRef.current === "live",
        initialPage: readInitialWindow(room),
      }),
    [api, queryKey, room],
  );

  const { mode, lastActiveAt } = useActivity();
  // A new function identity restarts SWR's timer, so leaving idle or hidden polls on the fast pace.
  // `mode` is in the deps only as the restart signal.
  const refreshInterval = useCallback(
    () => pollInterval(Date.now() - lastActiveAt.current, document.hidden),
    [mode, lastActiveAt],
  );

  const fetcher = useCallback(async () => {
    const synced = await feed.sync();
    const arrived = feed.takeArrived();
    if (arrived.length) onArrivedRef.current?.(arrived);
    return synced;
  }, [feed]);

  // This feed's own first page (SWR may still show the previous query's data meanwhile).
  const subscribeToFeed = useCallback((onChange: () => void) => feed.subscribe(onChange), [feed]);
  const feedLoaded = useSyncExternalStore(
    subscribeToFeed,
    () => feed.current.loaded,
    () => false,
  );
  const connection = useLive({ feed, room, query, loaded: feedLoaded, onArrived, onEvent: onLiveEvent });
  liveRef.current = connection;
  const live = connection === "live";

  const config: SWRConfiguration<MessageWindow, Error> = {
    // Pushed messages need no timer; polling resumes the moment the socket is away.
    refreshInterval: live ? 0 : refreshInterval,
    // Hidden tabs still poll, slowly (POLL.hiddenMs), so the title's unread count (N2) stays true.
    refreshWhenHidden: true,
    revalidateOnFocus: !live,
    focusThrottleInterval: 1_000,
    // The feed folds overlapping calls itself; SWR's own dedupe would stretch the 1 s pace.
    dedupingInterval: 0,
    keepPreviousData: true,
    onErrorRetry: (error, _key, _config, revalidate, { retryCount }) => {
      const hinted = error instanceof ApiError && error.retryAfter ? error.retryAfter * 1000 : 0;
      const backoff = Math.min(POLL.maxMs, POLL.activeMs * 2 ** Math.min(retryCount, 5));
      window.setTimeout(() => revalidate({ retryCount }), Math.max(hinted, backoff));
    },
  };
  const { data, error, mutate } = useSWR<MessageWindow, Error>(["messages", room, queryKey], fetcher, config);

  // Changes made outside a poll (a POST answer, older history) reach SWR's copy at once.
  useEffect(() => feed.subscribe((changed) => void mutate(changed, { revalidate: false })), [feed, mutate]);

  const previousMode = useRef(mode);
  useEffect(() => {
    if (previousMode.current !== "active" && mode === "active" && liveRef.current !== "live") void mutate();
    previousMode.current = mode;
  }, [mode, mutate]);

  // My unsent messages: retried by themselves on network/5xx failures, kept across reloads (C4).
  const outbox = useMemo(
    () =>
      new Outbox({
        post: (input) => api.post(input),
        onStored: (stored) => {
          feed.accept(stored);
          // Live, the stored copy and its queue changes arrive by push; polling asks at once.
          if (liveRef.current !== "live") void mutate();
        },
        store: localOutboxStore(room),
        now: Date.now,
        schedule: (fn, ms) => window.setTimeout(fn, ms),
      }),
    [api, feed, room, mutate],
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

  const current = data ?? EMPTY_WINDOW;
  const messages = useMemo(() => {
    // A removed message of mine is still "stored": its tombstone must not bring back my local copy.
    const stored = new Set(current.messages.map((m) => m.id));
    const shown = visibleMessages(current.messages);
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
