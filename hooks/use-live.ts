"use client";

import { useEffect, useRef, useState } from "react";
import { useSWRConfig } from "swr";
import type { ConnectionState } from "@/lib/chat/connection-state";
import type { MessageFeed } from "@/lib/chat/feed";
import type { ServerQuery } from "@/lib/chat/filters";
import type { LiveConnection } from "@/lib/chat/live-connection";
import type { ClientFrame, Message, ServerEvent } from "@/types";
import { LIVE_ERROR } from "@/types/constants";

/** Error events after which the page reloads its window over HTTP and resubscribes (types/live.ts). */
const RELOAD_ON: ReadonlySet<string> = new Set(Object.values(LIVE_ERROR));

interface Options {
  feed: MessageFeed;
  room: string;
  query: ServerQuery;
  /** The feed's first page has arrived: only then is there a cursor to resume from. */
  loaded: boolean;
  onArrived?: (messages: Message[]) => void;
  /** Every live event, after the feed took it (drafts of replies being generated). */
  onEvent?: (event: ServerEvent) => void;
  /** Filled with a sender of the page's own frames (typing) for as long as this socket lives. */
  frames?: { current: ((frame: ClientFrame) => void) | null };
}

/**
 * The room's live socket for one feed (C2 by push): opened once the first page is loaded,
 * resuming from the feed's cursor at every reconnect; its events go into the feed, and entity
 * presence into the SWR cache that `useEntities` reads.
 */
export function useLive({ feed, room, query, loaded, onArrived, onEvent, frames }: Options): ConnectionState {
  const { mutate } = useSWRConfig();
  const onArrivedRef = useRef(onArrived);
  onArrivedRef.current = onArrived;
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;

  const [state, setState] = useState<ConnectionState>("connecting");
  useEffect(() => {
    if (!loaded) return;
    let cancelled = false;
    let stopLive = () => {
      cancelled = true;
    };
    // The socket's code (partysocket, the keep-alive) loads after the first screen, which the
    // page's embedded window already filled: it is not part of what opening the page costs. The
    // socket opens in a task of its own, not in the one that commits the page's first render.
    const opening = new Promise((resolve) => window.setTimeout(resolve));
    void Promise.all([import("@/lib/chat/live-connection"), opening]).then(([{ LiveConnection: Live }]) => {
      if (cancelled) return;
      const connection: LiveConnection = new Live({
        origin: window.location.origin,
        room: room === "global" ? undefined : room,
        filter: { channel: query.channel, users: query.users },
        cursor: () => feed.current.cursor,
        rev: () => feed.current.rev,
        onEvent: (event) => {
          if (event.type === "presence" || event.type === "hello") {
            void mutate(["entities", room], event.entities, { revalidate: false });
          }
          if (event.type === "error" && RELOAD_ON.has(event.code)) {
            // The room cannot (or, past this socket's catch-up budget, will not) resume from our
            // cursor: load the window again over HTTP, then resubscribe from its head.
            void feed.reload().then(() => connection.reconnect());
            return;
          }
          const more = feed.applyLive(event);
          if (more) connection.resume(more.resumeFrom);
          const arrived = feed.takeArrived();
          if (arrived.length) onArrivedRef.current?.(arrived);
          onEventRef.current?.(event);
        },
      });
      const unsubscribe = connection.subscribe(() => setState(connection.current));
      setState(connection.current);
      connection.start();
      if (frames) frames.current = (frame) => connection.send(frame);
      // Back/forward cache: an open socket keeps a page out of it. Leaving closes the socket; a page
      // restored from the cache opens a new one, which resumes from the feed's cursor, so whatever
      // arrived meanwhile comes in the catch-up, exactly once (the feed ignores seqs it has).
      const leave = () => connection.stop();
      const back = (event: PageTransitionEvent) => {
        if (event.persisted) connection.start();
      };
      window.addEventListener("pagehide", leave);
      window.addEventListener("pageshow", back);
      stopLive = () => {
        if (frames) frames.current = null;
        window.removeEventListener("pagehide", leave);
        window.removeEventListener("pageshow", back);
        unsubscribe();
        connection.stop();
      };
    });
    return () => stopLive();
    // One socket per feed: a new conversation query is a new feed, hence a new subscription.
  }, [feed, room, query.channel, query.users, mutate, loaded, frames]);

  return state;
}
