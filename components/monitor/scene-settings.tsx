"use client";

import { type FormEvent, useEffect, useState } from "react";
import type { SceneSettingsState } from "@/hooks/use-scene-settings";
import { parseSceneForm } from "@/lib/monitor/monitor";
import { SCENES } from "@/types";
import { Empty, inputClass, Panel, requeueButtonClass } from "./panel";

/**
 * E8: how far entities may talk to each other in this room: AI-triggered turns after a person's
 * message (0 turns scenes off) and AI turns per hour. Checked here before sending; the room
 * checks again and its refusal is shown as it says it.
 */
export function SceneSettingsPanel({ scene, hasAdminToken }: { scene: SceneSettingsState; hasAdminToken: boolean }) {
  const [turnBudget, setTurnBudget] = useState("");
  const [hourlyCap, setHourlyCap] = useState("");
  const [formProblem, setFormProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const { settings } = scene;

  // The stored values fill the form when they arrive (and after a save).
  useEffect(() => {
    if (!settings) return;
    setTurnBudget(String(settings.turnBudget));
    setHourlyCap(String(settings.hourlyCap));
  }, [settings]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    const parsed = parseSceneForm(turnBudget, hourlyCap);
    if ("problem" in parsed) {
      setFormProblem(parsed.problem);
      return;
    }
    setFormProblem(null);
    setSaved(await scene.save(parsed.settings));
  };

  const problem = formProblem ?? scene.problem;
  return (
    <Panel title="Scenes" aside="entities talking to each other">
      {!hasAdminToken ? (
        <Empty>Enter the admin token above to see and set this room's scene limits.</Empty>
      ) : (
        <form onSubmit={submit} aria-label="Scene limits" noValidate className="space-y-2 px-3 py-2 text-xs">
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col gap-1">
              <span className="text-neutral-300">Turn budget</span>
              <input
                value={turnBudget}
                onChange={(e) => setTurnBudget(e.target.value)}
                inputMode="numeric"
                aria-describedby="scene-turns-help"
                aria-invalid={formProblem?.startsWith("Turn") ? true : undefined}
                className={`${inputClass} w-20 tabular-nums`}
              />
            </label>
            <label className="flex flex-col gap-1">
              <span className="text-neutral-300">Hourly cap</span>
              <input
                value={hourlyCap}
                onChange={(e) => setHourlyCap(e.target.value)}
                inputMode="numeric"
                aria-invalid={formProblem?.startsWith("Hourly") ? true : undefined}
                className={`${inputClass} w-20 tabular-nums`}
              />
            </label>
            <button type="submit" disabled={scene.busy} className={requeueButtonClass}>
              {scene.busy ? "Saving…" : "Save"}
            </button>
            {saved && !problem ? (
              <span role="status" className="text-emerald-200">
                Saved
              </span>
            ) : null}
          </div>
          <p id="scene-turns-help" className="text-muted">
            AI turns after a person's message (0 turns scenes off, at most {SCENES.turnBudgetMax}); the hourly cap
            counts every AI-triggered turn in the room (at most {SCENES.hourlyCapMax}).
          </p>
          {problem ? (
            <p role="alert" className="text-red-200">
              {problem}
            </p>
          ) : null}
        </form>
      )}
    </Panel>
  );
}
