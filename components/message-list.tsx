"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useLoadOlder } from "@/hooks/use-load-older";
import { useLongPress } from "@/hooks/use-long-press";
import { loadMenus, useMenus } from "@/hooks/use-menus";
import type { ChatMessage } from "@/hooks/use-messages";
import { useNow } from "@/hooks/use-now";
import { useStickToBottom } from "@/hooks/use-stick-to-bottom";
import type { ShownDraft } from "@/lib/chat/drafts";
import { keyboardContextMenus, type MenuPoint } from "./deferred-menu";
import { DraftRow } from "./draft-row";
import type { MessageActions } from "./message-menu";
import { MessageRow } from "./message-row";

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
}

const LONG_PRESS_MS = 500;
export const FIRST_MESSAGE_MARK = "sww:first-message";

/**
 * The stream (C1), virtualised so 10,000 messages scroll smoothly. Sticks to the bottom only when
 * already near it (C7, `useStickToBottom`), loads older history at the top keeping the view
 * steady (C3, `useLoadOlder`), and opens the message menu on right-click or a 500 ms long-press (X1).
 */
export function MessageList(props: Props) {
  const { messages, loaded, hasOlder, loadingOlder, loadOlder, actions, onWord, onRetry, emptyText, sentCount } = props;
  const drafts = props.drafts ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const now = useNow(20_000);
  // Where the list starts inside the scroller (below the history label, or lower while the
  // conversation is shorter than the screen and sits at the bottom like every chat).
  const [listOffset, setListOffset] = useState(0);
  useLayoutEffect(() => {
    const offset = listRef.current?.offsetTop ?? 0;
    if (offset !== listOffset) setListOffset(offset);
  });
  const virtualizer = useVirtualizer({
    count: messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 26,
    overscan: 10,
    scrollMargin: listOffset,
    getItemKey: (index) => messages[index]?.id ?? index,
  });

  const { unseen, scrollToEnd, updateNearBottom } = useStickToBottom({
    scrollRef,
    virtualizer,
    count: messages.length,
    lastId: messages.at(-1)?.id,
    sentCount,
    draftLength: drafts.reduce((n, d) => n + d.text.length + 1, 0),
  });
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
          {hasOlder ? (
            <div className="px-4 pt-3 pb-1 text-center font-sans text-[11px] text-muted">
              {loadingOlder ? "Loading older messages…" : "Scroll up for older messages"}
            </div>
          ) : loaded && messages.length ? (
            <div className="px-4 pt-3 pb-1 text-center font-sans text-[11px] text-muted">
              Beginning of the conversation
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
