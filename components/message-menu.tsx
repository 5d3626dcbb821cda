"use client";

import * as ContextMenu from "@radix-ui/react-context-menu";
import { readLabel } from "@/lib/seq-filter";
import type { Message } from "@/types";
import { menuContentClass, menuItemClass, menuSeparatorClass } from "./menu-styles";

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
 * X1: one menu for the whole list (a Radix context menu per row would cost every visible row
 * its own menu state). Right-click, a 500 ms long-press, or a row's "⋯" button opens it for
 * that row.
 */
export function MessageContextMenuContent({
  message,
  word,
  actions,
  onCloseAutoFocus,
}: {
  message: Message | null;
  word: string | null;
  actions: MessageActions;
  onCloseAutoFocus: (event: Event) => void;
}) {
  return (
    <ContextMenu.Portal>
      <ContextMenu.Content
        className={menuContentClass}
        collisionPadding={8}
        loop
        onCloseAutoFocus={onCloseAutoFocus}
        aria-label={message ? `Message by ${message.username}` : "Message"}
      >
        {message ? (
          <>
            <ContextMenu.Item className={menuItemClass} onSelect={() => actions.copy(message)}>
              Copy
            </ContextMenu.Item>
            <ContextMenu.Item className={menuItemClass} onSelect={() => actions.save(message)}>
              Save
            </ContextMenu.Item>
            <ContextMenu.Item className={menuItemClass} onSelect={() => actions.filterUser(message)}>
              Filter by {message.username}
            </ContextMenu.Item>
            {message.read ? (
              <ContextMenu.Item
                className={menuItemClass}
                disabled={message.read.count === 0}
                onSelect={() => actions.showRead(message)}
              >
                {readLabel(message.username, message.read)}
              </ContextMenu.Item>
            ) : null}
            <ContextMenu.Separator className={menuSeparatorClass} />
            <ContextMenu.Item className={`${menuItemClass} text-red-200`} onSelect={() => actions.block(message, word)}>
              {word ? `Block “${word}”` : `Block ${message.username}`}
            </ContextMenu.Item>
          </>
        ) : null}
      </ContextMenu.Content>
    </ContextMenu.Portal>
  );
}

/** Opens the list's message menu for this row from the keyboard or a tap, anchored to the button. */
export function openMessageMenu(button: HTMLElement): void {
  const rect = button.getBoundingClientRect();
  button.dispatchEvent(
    new MouseEvent("contextmenu", { bubbles: true, cancelable: true, clientX: rect.left, clientY: rect.bottom }),
  );
}

export function MessageActionsButton({ username }: { username: string }) {
  return (
    <button
      type="button"
      aria-haspopup="menu"
      aria-label={`Actions for ${username}'s message`}
      data-message-actions=""
      onClick={(event) => openMessageMenu(event.currentTarget)}
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
