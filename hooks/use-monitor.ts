"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import {
  type AdminAction,
  actionDoneText,
  actionErrorText,
  MONITOR_REFRESH_MS,
  MonitorApi,
  missingTokenText,
} from "@/lib/monitor/monitor";
import type { EntitySeen, Message, PublicStats, Stats } from "@/types";
import { useDebounced } from "./use-debounced";

/** Live while the tab is visible; SWR stops refreshing a hidden tab and catches up on focus. */
const LIVE: SWRConfiguration = {
  refreshInterval: MONITOR_REFRESH_MS,
  refreshWhenHidden: false,
  refreshWhenOffline: false,
  revalidateOnFocus: true,
  dedupingInterval: 1_000,
  errorRetryInterval: MONITOR_REFRESH_MS,
};

export interface MonitorData {
  api: MonitorApi;
  /** Aggregate counts, or (with the admin token) everything: see `isAdminStats`. */
  stats: Stats | PublicStats | undefined;
  /** When `stats` arrived (its ages were measured then). */
  fetchedAt: number;
  /** The last refresh failed (the last good numbers stay on screen). */
  error: unknown;
  entities: EntitySeen[];
  /** Waiting messages: only with an admin token (undefined until known). */
  pending: Message[] | undefined;
  pendingError: unknown;
  refresh: () => void;
}

/**
 * O1: `/api/stats` (with `minutes` of its series, O5), `/api/entities` and (with the admin token)
 * the waiting messages, every 2 s. The token also unlocks the series' reply latency.
 */
export function useMonitorData(room: string, token: string, minutes: number): MonitorData {
  const api = useMemo(() => new MonitorApi({ room }), [room]);
  // Typing a token should not fire a request per keystroke.
  const settledToken = useDebounced(token.trim(), 400);

  // Keyed by the token too: entering it switches to the admin view (bots, leases, failures, latency)
  // at once; a new range or token keeps the last numbers on screen until the new ones arrive.
  const stats = useSWR(
    ["monitor:stats", room, minutes, settledToken],
    async () => ({ value: await api.stats({ minutes, token: settledToken || undefined }), at: Date.now() }),
    { ...LIVE, keepPreviousData: true },
  );
  const entities = useSWR(["monitor:entities", room], () => api.entities(), LIVE);
  const pending = useSWR(
    settledToken ? ["monitor:pending", room, settledToken] : null,
    () => api.pending(settledToken),
    { ...LIVE, shouldRetryOnError: false },
  );

  const { mutate: mutateStats } = stats;
  const { mutate: mutateEntities } = entities;
  const { mutate: mutatePending } = pending;
  const refresh = useCallback(() => {
    void mutateStats();
    void mutateEntities();
    void mutatePending();
  }, [mutateStats, mutateEntities, mutatePending]);

  return {
    api,
    stats: stats.data?.value,
    fetchedAt: stats.data?.at ?? 0,
    error: stats.error,
    entities: entities.data ?? [],
    pending: settledToken ? pending.data : undefined,
    pendingError: settledToken ? pending.error : undefined,
    refresh,
  };
}

export interface Notice {
  kind: "error" | "done";
  text: string;
  /** Changes on every notice, so the same text twice is announced twice. */
  serial: number;
}

export interface MonitorActions {
  /** Message ids with an action in flight. */
  busy: ReadonlySet<string>;
  notice: Notice | null;
  dismiss: () => void;
  /** Resolves true when the server did it. */
  run: (action: AdminAction, messageId: string, reason?: string) => Promise<boolean>;
  /** Shows one notice (other panels' actions, e.g. moderation, report through the same bar). */
  show: (kind: Notice["kind"], text: string) => void;
}

/** O3: requeue / fail by hand with the admin token; the outcome is one notice an operator can act on. */
export function useMonitorActions(
  api: MonitorApi,
  token: string,
  onDone: () => void,
  onMissingToken: () => void,
): MonitorActions {
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<Notice | null>(null);

  // Confirmations fade; errors stay until dismissed or replaced.
  useEffect(() => {
    if (notice?.kind !== "done") return;
    const timer = window.setTimeout(() => setNotice(null), 5_000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  const show = useCallback((kind: Notice["kind"], text: string) => {
    setNotice((prev) => ({ kind, text, serial: (prev?.serial ?? 0) + 1 }));
  }, []);

  const run = useCallback(
    async (action: AdminAction, messageId: string, reason?: string) => {
      if (!token.trim()) {
        show("error", missingTokenText(action, messageId));
        onMissingToken();
        return false;
      }
      setBusy((s) => new Set(s).add(messageId));
      try {
        const message =
          action === "requeue" ? await api.requeue(token, messageId) : await api.fail(token, messageId, reason);
        show("done", actionDoneText(action, message));
        onDone();
        return true;
      } catch (error) {
        show("error", actionErrorText(action, messageId, error));
        return false;
      } finally {
        setBusy((s) => {
          const next = new Set(s);
          next.delete(messageId);
          return next;
        });
      }
    },
    [api, token, show, onDone, onMissingToken],
  );

  const dismiss = useCallback(() => setNotice(null), []);
  return { busy, notice, dismiss, run, show };
}
