"use client";

import useSWR from "swr";
import type { ChatApi } from "@/lib/chat/api";
import { type EntityPresence, entityPresence } from "@/lib/shared/presence";

const REFRESH_MS = 15_000;

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
  const { data } = useSWR(["entities", room], () => api.entities(), {
    refreshInterval: live ? 0 : REFRESH_MS,
    revalidateOnFocus: !live,
  });
  return entityPresence(data ?? [], addressed, Date.now());
}
