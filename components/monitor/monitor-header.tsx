"use client";

import { type FormEvent, useEffect, useState } from "react";
import { chatPath, roomProblem } from "@/lib/monitor/monitor";
import { DEFAULT_ROOM } from "@/types";

export type LiveState = "loading" | "live" | "paused" | "offline";

const LIVE_LABEL: Record<LiveState, string> = {
  loading: "Loading…",
  live: "Live",
  paused: "Paused while hidden",
  offline: "Reconnecting…",
};

const LIVE_DOT: Record<LiveState, string> = {
  loading: "bg-neutral-500",
  live: "bg-emerald-400 motion-safe:animate-pulse",
  paused: "bg-neutral-500",
  offline: "bg-amber-400",
};

/** The title, the room being watched (editable), whether the numbers are live, and the way back to the chat. */
export function MonitorHeader({
  room,
  onRoom,
  live,
  updatedAgo,
}: {
  room: string;
  onRoom: (room: string) => void;
  live: LiveState;
  updatedAgo: string | null;
}) {
  const [draft, setDraft] = useState(room);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setDraft(room), [room]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = draft.trim() || DEFAULT_ROOM;
    const issue = roomProblem(name);
    setProblem(issue);
    if (!issue) onRoom(name);
  };

  return (
    <header className="z-30 border-b sm:sticky sm:top-0 border-(--tint-line) bg-neutral-950/80 backdrop-blur">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-3 py-2 sm:px-5">
        <div className="order-1 flex min-w-0 items-center gap-2">
          <span
            className="size-2.5 shrink-0 rounded-full bg-(--tint-text) shadow-[0_0_10px] shadow-(--tint-strong)"
            aria-hidden="true"
          />
          <h1 className="truncate text-[15px] font-semibold tracking-tight text-white">Queue monitor</h1>
          <span className="hidden text-xs text-muted sm:inline">Say What Want · operators</span>
        </div>

        <form
          onSubmit={submit}
          className="order-3 flex w-full flex-wrap items-center gap-1.5 text-xs sm:order-2 sm:w-auto"
          aria-label="Watch a room"
        >
          <label htmlFor="monitor-room" className="text-muted">
            Room
          </label>
          <div className="flex h-7 items-center rounded-md border border-white/10 bg-black/40 focus-within:border-(--tint-strong)">
            <span className="pl-2 font-mono text-muted" aria-hidden="true">
              #
            </span>
            <input
              id="monitor-room"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              spellCheck={false}
              autoCapitalize="off"
              autoComplete="off"
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? "monitor-room-problem" : undefined}
              className="h-full w-32 bg-transparent pr-2 pl-0.5 font-mono text-neutral-100 outline-none sm:w-40"
            />
          </div>
          <button
            type="submit"
            disabled={draft.trim() === room}
            className="h-7 rounded-md border border-white/10 px-2.5 text-neutral-200 hover:border-(--tint-line) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong) disabled:opacity-40 disabled:hover:bg-transparent"
          >
            Watch
          </button>
          {problem ? (
            <span id="monitor-room-problem" role="alert" className="text-red-300">
              {problem}
            </span>
          ) : null}
        </form>

        <div className="order-2 ml-auto flex items-center gap-3 text-xs sm:order-3">
          <span role="status" className="flex items-center gap-1.5 text-neutral-300">
            <span className={`size-1.5 rounded-full ${LIVE_DOT[live]}`} aria-hidden="true" />
            {LIVE_LABEL[live]}
          </span>
          {updatedAgo ? (
            <span className="hidden text-muted tabular-nums md:inline" aria-hidden="true">
              updated {updatedAgo}
            </span>
          ) : null}
          <a
            href={chatPath(room)}
            className="rounded-md px-1.5 py-1 text-neutral-300 underline-offset-2 hover:text-white hover:underline focus-visible:outline-2 focus-visible:outline-(--tint-strong)"
          >
            Open chat
          </a>
        </div>
      </div>
    </header>
  );
}
