"use client";

import type { Virtualizer } from "@tanstack/react-virtual";
import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from "react";

const NEAR_TOP_PX = 160;

interface Options {
  scrollRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  /** The oldest row's id: a change while a load is pending means older history was prepended. */
  firstId: string | undefined;
  hasOlder: boolean;
  loaded: boolean;
  loadOlder: () => Promise<void>;
}

/** Where the view was when a load started, so the prepend does not move what the reader sees. */
interface Anchor {
  firstId: string | undefined;
  totalSize: number;
  scrollTop: number;
}

/**
 * C3: older history loads when the reader nears the top, one page at a time, keeping the view
 * steady as the rows above it are prepended, and going on while the reader is still at the top.
 * Returns the check to run on every scroll.
 */
export function useLoadOlder({ scrollRef, virtualizer, firstId, hasOlder, loaded, loadOlder }: Options): () => void {
  // Set from the start of a load until it is rendered (or settled without a new first row).
  const anchor = useRef<Anchor | null>(null);
  // The anchor of the load that settled last (resolved or failed).
  const [settled, setSettled] = useState<Anchor | null>(null);

  const maybeLoadOlder = useCallback(() => {
    const el = scrollRef.current;
    if (!el || el.scrollTop >= NEAR_TOP_PX || !hasOlder || !loaded || anchor.current !== null) return;
    const started: Anchor = { firstId, totalSize: virtualizer.getTotalSize(), scrollTop: el.scrollTop };
    anchor.current = started;
    void loadOlder()
      .catch(() => {
        anchor.current = null;
      })
      .finally(() => setSettled(started));
  }, [scrollRef, hasOlder, loaded, firstId, virtualizer, loadOlder]);

  // Called a frame after a render, so it must be the callback of that frame's render.
  const maybeLoadOlderRef = useRef(maybeLoadOlder);
  maybeLoadOlderRef.current = maybeLoadOlder;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    const pending = anchor.current;
    if (!el || !pending) return;
    if (pending.firstId !== firstId) {
      // Older history was prepended: the rows on screen stay where they were.
      el.scrollTop = pending.scrollTop + (virtualizer.getTotalSize() - pending.totalSize);
    } else if (settled !== pending) {
      return; // Still loading.
    }
    // Prepended, or settled without a new first row (older messages the filters hide): released,
    // and if the reader is still at the top it loads further back (no scroll event will ask).
    anchor.current = null;
    requestAnimationFrame(() => maybeLoadOlderRef.current());
  }, [firstId, settled, scrollRef, virtualizer]);

  return maybeLoadOlder;
}
