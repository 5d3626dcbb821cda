"use client";

import type { Message } from "@/types";
import { keyboardContextMenus } from "./deferred-menu";

export interface MessageActions {
  copy: (m: Message) => void;
  save: (m: Message) => void;
  /** Adds the word (or, without one, the username) as a negative filter (X1 Block). */
  block: (m: Message, word: string | null) => void;
  filterUser: (m: Message) => void;
  /** E9: narrows the view to the messages an AI reply's entity read. */
  showRead: (m: Message) => void;
}

/**
 * X1: one menu for the whole list (components/message-list.tsx; a menu per row would cost every
 * visible row its own menu state). Right-click, a 500 ms long-press, or a row's "⋯" button opens
 * it for that row. This opens it for the button's row, anchored below the button; from the
 * keyboard, its first item takes focus.
 */
export function openMessageMenu(button: HTMLElement, fromKeyboard = false): void {
  const rect = button.getBoundingClientRect();
  const event = new MouseEvent("contextmenu", {
    bubbles: true,
    cancelable: true,
    clientX: rect.left,
    clientY: rect.bottom,
  });
  if (fromKeyboard) keyboardContextMenus.add(event);
  button.dispatchEvent(event);
}

export function MessageActionsButton({ username }: { username: string }) {
  return (
    <button
      type="button"
      aria-haspopup="menu"
      aria-label={`Actions for ${username}'s message`}
      data-message-actions=""
      // A click the keyboard made (Enter, Space) has no pointer, so detail 0.
      onClick={(event) => openMessageMenu(event.currentTarget, event.detail === 0)}
      className="rounded px-1 font-sans text-muted opacity-0 hover:text-white focus-visible:opacity-100 focus-visible:outline-2 focus-visible:outline-(--tint-strong) group-hover:opacity-100"
    >
      <svg viewBox="0 0 16 16" className="size-4" aria-hidden="true" fill="currentColor">
        <circle cx="3" cy="8" r="1.4" />
        <circle cx="8" cy="8" r="1.4" />
        <circle cx="13" cy="8" r="1.4" />
      </svg>
    </button>
  );
}
