"use client";

import { useEffect, useRef } from "react";

/** Where a typed letter belongs to the text, not to a shortcut. */
const TYPING_TARGETS = "input, textarea, select, [contenteditable=''], [contenteditable='true'], [role='menu']";

/** A single-key shortcut (C5's `r`) that never fires while typing or with a modifier held. */
export function useKeyShortcut(key: string, action: () => void): void {
  const latest = useRef(action);
  latest.current = action;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== key || event.ctrlKey || event.metaKey || event.altKey) return;
      if ((event.target as HTMLElement | null)?.closest(TYPING_TARGETS)) return;
      latest.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [key]);
}
