"use client";

import type { Virtualizer } from "@tanstack/react-virtual";
import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";

const NEAR_BOTTOM_PX = 96;

interface Options {
  scrollRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  /** The virtualizer follows the scroller: before that, there is no position to keep. */
  attached: boolean;
  /** How many rows the list has. */
  count: number;
  /** The newest row's id: a change means something arrived at the bottom. */
  lastId: string | undefined;
  /** Changes when I send: my own message always scrolls into view. */
  sentCount: number;
  /** Grows while a reply is being generated below the rows. */
  draftLength: number;
}

export interface StickToBottom {
  /** Rows that arrived at the bottom while the reader was scrolled up. */
  unseen: number;
  scrollToEnd: () => void;
  /** Call on every scroll: whether the reader is at the bottom decides what follows. */
  updateNearBottom: () => void;
}

/**
 * C7: the stream sticks to the bottom only when the reader is already near it. New rows, a
 * growing draft and my own sends follow; rows arriving while the reader is scrolled up are
 * counted instead, for the "N new messages" button.
 */
export function useStickToBottom({
  scrollRef,
  virtualizer,
  attached,
  count,
  lastId,
  sentCount,
  draftLength,
}: Options): StickToBottom {
  const nearBottom = useRef(true);
  const [unseen, setUnseen] = useState(0);

  // Read through a ref so scrollToEnd keeps one identity: the effects below that call it must run
  // on their own trigger (a send, a new row), not whenever the row count changes.
  const countRef = useRef(count);
  countRef.current = count;
  const scrollToEnd = useCallback(() => {
    if (countRef.current) virtualizer.scrollToIndex(countRef.current - 1, { align: "end" });
    setUnseen(0);
  }, [virtualizer]);

  const updateNearBottom = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return;
    nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    if (nearBottom.current) setUnseen(0);
  }, [scrollRef]);

  // The newest row changed: follow it if the reader was at the bottom (or this is the first
  // paint), otherwise count what arrived. The count is recorded on every change, so rows
  // prepended from older history in between are never counted as new.
  const seen = useRef<{ lastId: string | undefined; count: number }>({ lastId: undefined, count: 0 });
  useLayoutEffect(() => {
    // The first screen's rows count from when the list has a scroller to put them in.
    if (!attached) return;
    const previous = seen.current;
    seen.current = { lastId, count };
    if (!lastId || lastId === previous.lastId) return;
    if (previous.lastId === undefined || nearBottom.current) {
      scrollToEnd();
    } else {
      const added = count - previous.count;
      if (added > 0) setUnseen((n) => n + added);
    }
  }, [attached, lastId, count, scrollToEnd]);

  // A growing draft stays in view for a reader at the bottom, as new rows do.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && draftLength > 0 && nearBottom.current) el.scrollTop = el.scrollHeight;
  }, [draftLength, scrollRef]);

  // My own send always shows, wherever I had scrolled (after the layout effects above have
  // handled the new row, so it also clears the count they may have added).
  useEffect(() => {
    if (sentCount === 0) return;
    nearBottom.current = true;
    scrollToEnd();
  }, [sentCount, scrollToEnd]);

  return { unseen, scrollToEnd, updateNearBottom };
}
