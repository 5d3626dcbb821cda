"use client";

import { type RefObject, useEffect, useRef, useState } from "react";
import { POLL, type PollMode, pollMode } from "@/lib/chat/poll-schedule";

const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "focus"] as const;

/**
 * Whether the person is here: active (recent input), idle, or the tab is hidden. Drives the
 * polling pace; the ref holds the last input time for interval maths without re-rendering.
 */
export function useActivity(): { mode: PollMode; lastActiveAt: RefObject<number> } {
  const lastActiveAt = useRef(Date.now());
  const [mode, setMode] = useState<PollMode>("active");

  useEffect(() => {
    const evaluate = () => setMode(pollMode(Date.now() - lastActiveAt.current, document.hidden));
    const onActivity = () => {
      lastActiveAt.current = Date.now();
      evaluate();
    };
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true, capture: true });
    document.addEventListener("visibilitychange", onActivity);
    const timer = window.setInterval(evaluate, POLL.activeWindowMs / 6);
    evaluate();
    return () => {
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
      document.removeEventListener("visibilitychange", onActivity);
      window.clearInterval(timer);
    };
  }, []);

  return { mode, lastActiveAt };
}
