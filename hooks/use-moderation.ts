"use client";

import { useCallback, useMemo, useState } from "react";
import useSWR, { type SWRConfiguration } from "swr";
import { ModerationApi, moderationErrorText, targetLabel } from "@/lib/moderation/moderation";
import { MONITOR_REFRESH_MS } from "@/lib/monitor/monitor";
import type { AuditEntry, Message, Mute, MuteRequestTarget, MuteTarget } from "@/types";
import { useDebounced } from "./use-debounced";
import type { MonitorActions } from "./use-monitor";

const LIVE: SWRConfiguration = {
  refreshInterval: MONITOR_REFRESH_MS,
  refreshWhenHidden: false,
  revalidateOnFocus: true,
  dedupingInterval: 1_000,
  shouldRetryOnError: false,
};

export interface ModerationData {
  recent: Message[] | undefined;
  mutes: Mute[] | undefined;
  audit: AuditEntry[] | undefined;
  /** Why mutes and the audit cannot be listed (no or wrong token), or null. */
  problem: unknown;
  /** Keys (message ids, mute targets) with a call in flight. */
  busy: ReadonlySet<string>;
  remove: (messageId: string, reason: string) => Promise<boolean>;
  restore: (messageId: string) => Promise<boolean>;
  mute: (target: MuteRequestTarget, minutes: number, reason: string) => Promise<boolean>;
  unmute: (target: MuteTarget) => Promise<boolean>;
}

/** O9: recent messages, mutes and the audit trail, refreshed with the rest of the monitor. */
export function useModeration(room: string, token: string, actions: MonitorActions): ModerationData {
  const api = useMemo(() => new ModerationApi({ room }), [room]);
  const settled = useDebounced(token.trim(), 400);
  const recent = useSWR(["moderation:recent", room], () => api.recent(), LIVE);
  const mutes = useSWR(settled ? ["moderation:mutes", room, settled] : null, () => api.mutes(settled), LIVE);
  const audit = useSWR(settled ? ["moderation:audit", room, settled] : null, () => api.audit(settled), LIVE);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const { show } = actions;
  const { mutate: mutateRecent } = recent;
  const { mutate: mutateMutes } = mutes;
  const { mutate: mutateAudit } = audit;

  const act = useCallback(
    async (key: string, what: string, call: () => Promise<string>) => {
      if (!token.trim()) {
        show("error", `${what} needs the admin token. Enter it in “Admin token” above.`);
        return false;
      }
      setBusy((s) => new Set(s).add(key));
      try {
        show("done", await call());
        void mutateRecent();
        void mutateMutes();
        void mutateAudit();
        return true;
      } catch (error) {
        show("error", moderationErrorText(what, error));
        return false;
      } finally {
        setBusy((s) => {
          const next = new Set(s);
          next.delete(key);
          return next;
        });
      }
    },
    [token, show, mutateRecent, mutateMutes, mutateAudit],
  );

  const t = token.trim();
  return {
    recent: recent.data,
    mutes: settled ? mutes.data : undefined,
    audit: settled ? audit.data : undefined,
    problem: settled ? (mutes.error ?? audit.error ?? null) : null,
    busy,
    remove: (id, reason) =>
      act(id, `Remove ${id}`, async () => {
        await api.remove(t, id, reason);
        return `Removed ${id}. It can be restored for 10 minutes.`;
      }),
    restore: (id) =>
      act(id, `Restore ${id}`, async () => {
        await api.restore(t, id);
        return `Restored ${id}.`;
      }),
    mute: (target, minutes, reason) =>
      act(targetLabel(target), `Mute ${targetLabel(target)}`, async () => {
        const m = await api.mute(t, target, minutes, reason);
        return `Muted ${targetLabel(m.target)} until ${new Date(m.until).toLocaleString()}.`;
      }),
    unmute: (target) =>
      act(targetLabel(target), `Unmute ${targetLabel(target)}`, async () => {
        await api.unmute(t, target);
        return `Unmuted ${targetLabel(target)}: it can post again now.`;
      }),
  };
}
