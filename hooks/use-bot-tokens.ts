"use client";

import { useCallback, useState } from "react";
import useSWR from "swr";
import { ApiError } from "@/lib/client/core";
import type { MonitorApi } from "@/lib/monitor/monitor";
import type { BotTokenInfo, EntityScope } from "@/types";

export interface BotTokens {
  tokens: BotTokenInfo[] | undefined;
  error: unknown;
  /** The secret just created: shown once, until dismissed or another is created. */
  created: { name: string; token: string } | null;
  problem: string | null;
  busy: boolean;
  create: (name: string, entities: EntityScope) => Promise<boolean>;
  revoke: (name: string) => Promise<void>;
  forget: () => void;
}

/** O7: the monitor's list of named bot tokens, with create and revoke (admin token). */
export function useBotTokens(api: MonitorApi, adminToken: string): BotTokens {
  const list = useSWR(adminToken ? ["monitor:tokens", adminToken] : null, () => api.tokens(adminToken), {
    shouldRetryOnError: false,
    revalidateOnFocus: false,
  });
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { mutate } = list;

  const act = useCallback(
    async (what: string, fn: () => Promise<void>) => {
      setBusy(true);
      setProblem(null);
      try {
        await fn();
        await mutate();
        return true;
      } catch (error) {
        setProblem(
          `${what} failed: ${error instanceof ApiError || error instanceof Error ? error.message : String(error)}`,
        );
        return false;
      } finally {
        setBusy(false);
      }
    },
    [mutate],
  );

  const create = useCallback(
    (name: string, entities: EntityScope) =>
      act(`Creating ${name}`, async () => {
        const result = await api.createToken(adminToken, name, entities);
        setCreated({ name: result.info.name, token: result.token });
      }),
    [act, api, adminToken],
  );
  const revoke = useCallback(
    async (name: string) => {
      await act(`Revoking ${name}`, async () => {
        await api.revokeToken(adminToken, name);
        setCreated((c) => (c?.name === name ? null : c));
      });
    },
    [act, api, adminToken],
  );
  const forget = useCallback(() => setCreated(null), []);

  return { tokens: list.data, error: list.error, created, problem, busy, create, revoke, forget };
}
