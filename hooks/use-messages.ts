"use client";

import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import { ApiError, type ChatApi } from "@/lib/api";
import { MessageFeed } from "@/lib/feed";
import { type ServerQuery, serverQueryKey } from "@/lib/filters";
import type { Identity } from "@/lib/hash-state";
import { readInitialWindow } from "@/lib/initial-window";
import type { ConnectionState } from "@/lib/live-connection";
import { EMPTY_WINDOW, type MessageWindow } from "@/lib/message-window";
import { isMine, optimisticMessage } from "@/lib/outgoing";
import { POLL, pollInterval } from "@/lib/poll-schedule";
import type { Message, MessageInput, ServerEvent } from "@/types";
import { useActivity } from "./use-activity";
import { useLive } from "./use-live";

/** A message the page shows before (or instead of) the server having it. */
export interface LocalSend {
  input: MessageInput;
  message: Message;
  state: "sending" | "failed";
  error?: string;
}

export interface ChatMessage extends Message {
  /** Present while a send is in flight or failed (C4). */
  send?: { state: "sending" | "failed"; error?: string };
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

  const [sends, setSends] = useState<LocalSend[]>([]);

  const post = useCallback(
    (input: MessageInput) => {
      api.post(input).then(
        (stored) => {
          feed.accept(stored);
          setSends((list) => list.filter((s) => s.input.id !== input.id));
          // Live, the stored copy and its queue changes arrive by push; polling asks at once.
          if (liveRef.current !== "live") void mutate();
        },
        (err: unknown) => {
          const reason = err instanceof ApiError ? err.message : "Could not send";
          setSends((list) => list.map((s) => (s.input.id === input.id ? { ...s, state: "failed", error: reason } : s)));
        },
      );
    },
    [api, feed, mutate],
  );

  const send = useCallback(
    (input: MessageInput) => {
      setSends((list) => [...list, { input, message: optimisticMessage(input, Date.now()), state: "sending" }]);
      post(input);
    },
    [post],
  );

  const retry = useCallback(
    (id: string) => {
      const local = sends.find((s) => s.input.id === id);
      if (!local) return;
      setSends((list) => list.map((s) => (s.input.id === id ? { ...s, state: "sending", error: undefined } : s)));
      post(local.input);
    },
    [sends, post],
  );

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
    const stored = new Set(current.messages.map((m) => m.id));
    const pending: ChatMessage[] = sends
      .filter((s) => !stored.has(s.input.id ?? ""))
      .map((s) => ({ ...s.message, send: { state: s.state, error: s.error } }));
    return pending.length ? [...current.messages, ...pending] : current.messages;
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
