"use client";

import { useCallback, useState } from "react";
import useSWR from "swr";
import { type MonitorApi, sceneErrorText } from "@/lib/monitor/monitor";
import type { SceneSettings } from "@/types";

export interface SceneSettingsState {
  settings: SceneSettings | undefined;
  /** Why they could not be loaded or saved; null when all is well. */
  problem: string | null;
  busy: boolean;
  /** Resolves true when the room stored them. */
  save: (settings: SceneSettings) => Promise<boolean>;
}

/** E8: the room's turn budget and hourly cap, read and set with the admin token. */
export function useSceneSettings(api: MonitorApi, room: string, adminToken: string): SceneSettingsState {
  const loaded = useSWR(adminToken ? ["monitor:scene", room, adminToken] : null, () => api.scene(adminToken), {
    shouldRetryOnError: false,
    revalidateOnFocus: false,
  });
  const [saveProblem, setSaveProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { mutate } = loaded;

  const save = useCallback(
    async (settings: SceneSettings) => {
      setBusy(true);
      setSaveProblem(null);
      try {
        const stored = await api.setScene(adminToken, settings);
        await mutate(stored, { revalidate: false });
        return true;
      } catch (error) {
        setSaveProblem(sceneErrorText("Saving", error));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [api, adminToken, mutate],
  );

  const loadProblem = loaded.error ? sceneErrorText("Loading", loaded.error) : null;
  return { settings: loaded.data, problem: saveProblem ?? loadProblem, busy, save };
}
