"use client";

import useSWR from "swr";
import type { ChatApi } from "@/lib/chat/api";
import { type EntityPresence, entityPresence } from "@/lib/shared/presence";

const REFRESH_MS = 15_000;

const nextTask = () => new Promise<void>((resolve) => window.setTimeout(resolve));

/**
 * C9/E5: the entities bots serve in this room. Live, the room pushes the list into this SWR key
 * (see useLive); otherwise it is refreshed every 15 s.
 */
export function useEntities(
  api: ChatApi,
  room: string,
  addressed: string | undefined,
  live: boolean,
): EntityPresence[] {
  // Asked in a task of its own, not in the one that commits the page's first render.
  const { data } = useSWR(["entities", room], () => nextTask().then(() => api.entities()), {
    refreshInterval: live ? 0 : REFRESH_MS,
    revalidateOnFocus: !live,
  });
  return entityPresence(data ?? [], addressed, Date.now());
}
