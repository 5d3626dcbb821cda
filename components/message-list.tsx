"use client";

import { measureElement, useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import { memo, startTransition, useCallback, useEffect, useRef, useState } from "react";
import { useLoadOlder } from "@/hooks/use-load-older";
import { useLongPress } from "@/hooks/use-long-press";
import { loadMenus, useMenus } from "@/hooks/use-menus";
import type { ChatMessage } from "@/hooks/use-messages";
import { useNow } from "@/hooks/use-now";
import { useStickToBottom } from "@/hooks/use-stick-to-bottom";
import type { ShownDraft } from "@/lib/chat/drafts";
import { keyboardContextMenus, type MenuPoint } from "./deferred-menu";
import { DraftRow } from "./draft-row";
import { firstPaintLayout } from "./first-paint";
import type { MessageActions } from "./message-menu";
import { MessageRow } from "./message-row";
import { estimateRowHeight, rowMetrics } from "./row-estimate";

interface Props {
  messages: ChatMessage[];
  loaded: boolean;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => Promise<void>;
  actions: MessageActions;
  onWord: (word: string) => void;
  onRetry: (m: ChatMessage) => void;
  /** Shown when the view is empty (nothing yet, or filters hide everything). */
  emptyText: string;
  /** Changes when I send: my own message always scrolls into view. */
  sentCount: number;
  /** Replies being generated, shown growing below the messages until their stored reply arrives. */
  drafts?: ShownDraft[];
  /** The list has taken over its scroller (laid out, at the bottom): the static first paint can go. */
  onShown?: () => void;
}

const LONG_PRESS_MS = 500;
/** A one-line row (its 21 px time column, 3 px above and below). */
const ROW_ESTIMATE_PX = 27;
export const FIRST_MESSAGE_MARK = "sww:first-message";

/** Rows rendered above and below the screen, and while the page starts. */
const OVERSCAN = 10;
const STARTUP_OVERSCAN = 2;

/** Runs `fn` when the page is idle (or after a second at the latest); returns a cancel function. */
function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback !== "function") {
    const timer = window.setTimeout(fn, 200);
    return () => window.clearTimeout(timer);
  }
  const id = requestIdleCallback(fn, { timeout: 1_000 });
  return () => cancelIdleCallback(id);
}

/** The history label's height (`h-8`): where the list starts inside the scroller, known in advance. */
const HISTORY_LABEL_PX = 32;
/** The spacer below the rows (`h-2`). */
const END_SPACER_PX = 8;

/**
 * The stream (C1), virtualised so 10,000 messages scroll smoothly. Sticks to the bottom only when
 * already near it (C7, `useStickToBottom`), loads older history at the top keeping the view
 * steady (C3, `useLoadOlder`), and opens the message menu on right-click or a 500 ms long-press (X1).
 *
 * It starts in two steps, so that no task of the page's start does much at once: an empty
 * scroller first, laid out with the rest of the page, which says how tall the list is; then the
 * list itself, whose first render already has the rows the screen shows at the bottom (their
 * heights from the first paint) and never renders another set of them.
 */
export const MessageList = memo(function MessageList(props: Props) {
  const [size, setSize] = useState<Size | null>(null);
  const placeholder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = placeholder.current;
    if (size || !element) return;
    const measure = () => startTransition(() => setSize({ width: element.clientWidth, height: element.clientHeight }));
    // A hidden tab lays nothing out (no observer call would come): read it at once.
    if (document.visibilityState === "hidden") return measure();
    // Read right after the layout that placed it, never forcing one.
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [size]);
  if (!size) return <div ref={placeholder} className="relative min-h-0 flex-1" />;
  return <SizedMessageList {...props} size={size} />;
});

interface Size {
  width: number;
  height: number;
}

function SizedMessageList(props: Props & { size: Size }) {
  const {
    messages,
    loaded,
    hasOlder,
    loadingOlder,
    loadOlder,
    actions,
    onWord,
    onRetry,
    emptyText,
    sentCount,
    onShown,
    size,
  } = props;
  const drafts = props.drafts ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const now = useNow(20_000);

  // Until the list has been laid out once, the virtualizer is not attached to its scroller: the
  // first commit then reads no layout (no scroll position, no row height), and the browser lays
  // the rows out once, in its own frame, under the static first-paint rows. The virtualizer works
  // meanwhile from the sizes below, scrolled to the end.
  const [attached, setAttached] = useState(false);
  useEffect(() => {
    const list = listRef.current;
    if (!list) return;
    if (document.visibilityState === "hidden") return setAttached(true);
    const observer = new ResizeObserver(() => {
      observer.disconnect();
      setAttached(true);
    });
    observer.observe(list);
    return () => observer.disconnect();
  }, []);

  // The first render has only the rows on screen and a couple above; the usual margin of rows
  // rendered above and below the screen (for fast scrolling) follows once the page is idle.
  const [overscan, setOverscan] = useState(STARTUP_OVERSCAN);
  useEffect(() => {
    if (!attached) return;
    return whenIdle(() => setOverscan(OVERSCAN));
  }, [attached]);
  // A row that mounts is measured from the DOM at once (a forced layout, which later scrolls and
  // new rows want, so they settle in the same frame) only from then on; until, the rows keep
  // their first-paint or estimated heights and the ResizeObserver reports any difference right
  // after the browser's own layout. Set after the commit that raised the overscan.
  const measureSync = useRef(false);
  useEffect(() => {
    if (attached && overscan === OVERSCAN) measureSync.current = true;
  }, [attached, overscan]);

  // Where the list starts inside the scroller: below the history label. (While the conversation is
  // shorter than the screen it sits lower, at the bottom, but then every row is rendered anyway.)
  const history = hasOlder ? "older" : loaded && messages.length ? "beginning" : null;
  const listOffset = history ? HISTORY_LABEL_PX : 0;

  // The rows of the first screen start at the heights the Worker's static rows were laid out at
  // (the same box): nothing is measured, corrected and rendered again while the page starts.
  // Other rows start at a height estimated from their text and the list's width.
  const [heights] = useState(() => firstPaintLayout()?.rowHeights ?? new Map<string, number>());
  const [metrics] = useState(() => rowMetrics(size.width));
  const [estimates] = useState(() => new WeakMap<ChatMessage, number>());
  const estimateSize = (index: number) => {
    const message = messages[index];
    if (!message) return ROW_ESTIMATE_PX;
    const painted = heights.get(message.id);
    if (painted !== undefined) return painted;
    let estimate = estimates.get(message);
    if (estimate === undefined) {
      estimate = estimateRowHeight(message, metrics);
      estimates.set(message, estimate);
    }
    return estimate;
  };
  // A new function would rebuild every row's position on each render (10,000 rows while scrolling).
  const getItemKey = useCallback((index: number) => messages[index]?.id ?? index, [messages]);
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => (attached ? scrollRef.current : null),
    estimateSize,
    overscan,
    scrollMargin: listOffset,
    getItemKey,
    // Before the first layout: the scroller's size, the end of the list, and no row read from the DOM.
    initialRect: size,
    initialOffset: () => {
      let total = listOffset + END_SPACER_PX;
      for (let i = 0; i < messages.length; i++) total += estimateSize(i);
      return Math.max(0, total - size.height);
    },
    measureElement: (element, entry, instance) =>
      entry || measureSync.current ? measureElement(element, entry, instance) : cachedSize(instance, element),
  });

  const { unseen, scrollToEnd, updateNearBottom } = useStickToBottom({
    scrollRef,
    virtualizer,
    attached,
    count: messages.length,
    lastId: messages.at(-1)?.id,
    sentCount,
    draftLength: drafts.reduce((n, d) => n + d.text.length + 1, 0),
  });
  useEffect(() => {
    if (attached) onShown?.();
  }, [attached, onShown]);
  const maybeLoadOlder = useLoadOlder({
    scrollRef,
    virtualizer,
    firstId: messages[0]?.id,
    hasOlder,
    loaded,
    loadOlder,
  });

  const onScroll = useCallback(() => {
    updateNearBottom();
    maybeLoadOlder();
  }, [updateNearBottom, maybeLoadOlder]);

  // The right-click target: the row under the pointer, the word selected in it (Block), and
  // where the menu opens. The menu module loads on the first one (components/deferred-menu.tsx).
  const menus = useMenus();
  const [target, setTarget] = useState<{ message: ChatMessage; word: string | null; point: MenuPoint } | null>(null);
  const pickTarget = useCallback(
    (event: React.MouseEvent) => {
      event.preventDefault();
      const row = (event.target as HTMLElement).closest<HTMLElement>("[data-id]");
      const message = row ? messages.find((m) => m.id === row.dataset.id) : undefined;
      if (!message || message.send) return;
      const selected = window.getSelection()?.toString().trim() ?? "";
      opener.current = (event.target as HTMLElement).closest<HTMLElement>("[data-message-actions]");
      const by = keyboardContextMenus.has(event.nativeEvent) ? "keyboard" : "pointer";
      const next = {
        message,
        word: selected && !/\s/.test(selected) ? selected : null,
        point: { x: event.clientX, y: event.clientY, by },
      } as const;
      void loadMenus().then(() => setTarget(next));
    },
    [messages],
  );
  const closeMenu = useCallback(() => setTarget(null), []);
  // Opened from a row's "⋯" button (keyboard users): focus goes back there when it closes.
  const opener = useRef<HTMLElement | null>(null);
  const onCloseAutoFocus = useCallback(() => {
    if (opener.current?.isConnected) opener.current.focus();
    opener.current = null;
  }, []);

  const longPress = useLongPress(LONG_PRESS_MS);

  // A mark for the performance bench: first load to first message painted.
  useEffect(() => {
    if (messages.length > 0 && performance.getEntriesByName(FIRST_MESSAGE_MARK).length === 0) {
      requestAnimationFrame(() => performance.mark(FIRST_MESSAGE_MARK));
    }
  }, [messages.length]);

  const items = virtualizer.getVirtualItems();
  return (
    <div className="relative min-h-0 flex-1">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: right-click and long-press are pointer shortcuts; each row's "⋯" button opens the same menu by keyboard */}
      <div
        ref={scrollRef}
        onScroll={onScroll}
        onContextMenu={pickTarget}
        {...longPress}
        onPointerDown={(event) => {
          // A touch may become a long-press, a right button a context menu: fetch the menu
          // module now, so it is here when the menu opens (500 ms later, or at once).
          if (event.pointerType === "touch" || event.button === 2) void loadMenus();
          longPress.onPointerDown(event);
        }}
        className="scroll-area h-full overflow-y-auto overscroll-contain [overflow-anchor:none]"
      >
        <div className="flex min-h-full flex-col justify-end">
          {history ? (
            <div className="h-8 shrink-0 px-4 pt-3 pb-1 text-center font-sans text-[11px] leading-4 text-muted">
              {history === "beginning"
                ? "Beginning of the conversation"
                : loadingOlder
                  ? "Loading older messages…"
                  : "Scroll up for older messages"}
            </div>
          ) : null}
          <ul
            ref={listRef}
            aria-label="Messages"
            aria-busy={!loaded}
            className="relative w-full shrink-0"
            style={{ height: virtualizer.getTotalSize() }}
          >
            {items.map((item) => {
              const message = messages[item.index];
              if (!message) return null;
              return (
                <li
                  key={item.key}
                  data-id={message.id}
                  data-index={item.index}
                  ref={virtualizer.measureElement}
                  aria-setsize={messages.length}
                  aria-posinset={item.index + 1}
                  className="absolute top-0 left-0 w-full"
                  style={{ transform: `translateY(${item.start - listOffset}px)` }}
                >
                  <MessageRow message={message} now={now} actions={actions} onWord={onWord} onRetry={onRetry} />
                </li>
              );
            })}
          </ul>
          {drafts.map((draft) => (
            <DraftRow key={draft.messageId} draft={draft} />
          ))}
          <div className="h-2 shrink-0" />
        </div>
      </div>
      {menus && target ? (
        <menus.MessagePointMenu
          // A new target is a new menu (the first-open focus rule applies to each).
          key={`${target.message.id}:${target.point.x}:${target.point.y}`}
          point={target.point}
          message={target.message}
          word={target.word}
          actions={actions}
          onClose={closeMenu}
          onCloseAutoFocus={onCloseAutoFocus}
        />
      ) : null}
      {loaded && messages.length === 0 ? (
        <p className="pointer-events-none absolute inset-0 flex items-center justify-center px-6 text-center font-sans text-sm text-muted">
          {emptyText}
        </p>
      ) : null}
      {unseen > 0 ? (
        <button
          type="button"
          onClick={scrollToEnd}
          className="absolute bottom-3 left-1/2 -translate-x-1/2 rounded-full border border-(--tint-line) bg-neutral-950/90 px-3 py-1 font-sans text-xs text-(--tint-text) shadow-lg shadow-black backdrop-blur hover:bg-(--tint-faint)"
        >
          {unseen} new message{unseen === 1 ? "" : "s"} ↓
        </button>
      ) : null}
    </div>
  );
}

/** A row's size without reading the DOM: as measured before, or as estimated. */
function cachedSize(instance: Virtualizer<HTMLDivElement, Element>, element: Element): number {
  const index = instance.indexFromElement(element);
  return instance.itemSizeCache.get(instance.options.getItemKey(index)) ?? instance.options.estimateSize(index);
}
