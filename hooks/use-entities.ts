"use client";

import useSWR from "swr";
import type { ChatApi } from "@/lib/api";
import { type EntityPresence, entityPresence } from "@/lib/presence";

const REFRESH_MS = 15_000;

/** C9/E5: the entities bots serve in this room, refreshed every 15 s. */
export function useEntities(api: ChatApi, room: string, addressed: string | undefined): EntityPresence[] {
  const { data } = useSWR(["entities", room], () => api.entities(), {
    refreshInterval: REFRESH_MS,
    revalidateOnFocus: true,
  });
  return entityPresence(data ?? [], addressed, Date.now());
}
