"use client";

import { memo, useRef } from "react";
import type { ChatMessage } from "@/hooks/use-messages";
import { pausedText } from "@/lib/chat/mentions";
import { wordAt } from "@/lib/chat/text-tokens";
import { textColor, usernameColor } from "@/lib/shared/colors";
import { formatLocal, relativeTime } from "@/lib/shared/time";
import { type MessageActions, MessageActionsButton } from "./message-menu";
import { MessageText } from "./message-text";
import { QueueMarker } from "./queue-marker";

/** Long enough to tell a click from the first half of a double-click. */
const WORD_CLICK_DELAY_MS = 250;

/** The word under a click in plain message text (not in a link), from the caret position there. */
function wordUnderPointer(x: number, y: number): string | null {
  const position = document.caretPositionFromPoint?.(x, y);
  const range = position ? null : document.caretRangeFromPoint?.(x, y);
  const node = position?.offsetNode ?? range?.startContainer;
  const offset = position?.offset ?? range?.startOffset ?? 0;
  if (!node || node.nodeType !== Node.TEXT_NODE || node.parentElement?.closest("a")) return null;
  return wordAt(node.textContent ?? "", offset);
}

interface RowProps {
  message: ChatMessage;
  now: number;
  actions: MessageActions;
  onWord: (word: string) => void;
  onRetry: (m: ChatMessage) => void;
}

/** C1: `username:` in the author's color at 60 %, the text in the author's color, a relative time. */
export const MessageRow = memo(function MessageRow({ message, now, actions, onWord, onRetry }: RowProps) {
  const isAI = message["message-type"] === "AI";
  const wordClick = useRef<number | null>(null);
  return (
    <div className="group relative flex items-start gap-3 px-3 py-[3px] hover:bg-white/[0.035] sm:px-4">
      <time
        dateTime={new Date(message.timestamp).toISOString()}
        title={formatLocal(message.timestamp)}
        className="w-9 shrink-0 pt-px text-right font-sans text-[11px] leading-5 text-muted tabular-nums"
      >
        {message.send ? "" : relativeTime(message.timestamp, now)}
      </time>
      <div className="min-w-0 flex-1 whitespace-pre-wrap break-words pr-6 font-mono text-[13px] leading-5">
        <button
          type="button"
          onClick={() => actions.filterUser(message)}
          title={`Show only ${message.username}`}
          className="mr-1.5 rounded-sm hover:underline focus-visible:outline-1 focus-visible:outline-current"
          style={{ color: usernameColor(message.color) }}
        >
          {isAI ? <span className="mr-1 text-[9px] align-[1px]">◆</span> : null}
          {message.username}:
        </button>
        {/* biome-ignore lint/a11y/noStaticElementInteractions: words are a pointer shortcut; the message menu offers the same filters by keyboard */}
        {/* biome-ignore lint/a11y/useKeyWithClickEvents: see above */}
        <span
          className="cursor-text"
          style={{ color: textColor(message.color) }}
          onClick={(event) => {
            // A double-click selects a word (for Block); only a lone click filters by it.
            if (wordClick.current !== null) window.clearTimeout(wordClick.current);
            wordClick.current = null;
            if (event.detail > 1) return;
            const word = wordUnderPointer(event.clientX, event.clientY);
            if (!word) return;
            wordClick.current = window.setTimeout(() => {
              wordClick.current = null;
              if (!window.getSelection()?.toString()) onWord(word);
            }, WORD_CLICK_DELAY_MS);
          }}
        >
          <MessageText text={message.text} message={message} />
        </span>
        <QueueMarker message={message} onRetry={onRetry} />
        {message.scene?.paused ? (
          <p data-scene-paused={message.scene.paused} className="mt-0.5 font-sans text-[11px] leading-4 text-muted">
            {pausedText(message.scene.paused)}
          </p>
        ) : null}
      </div>
      {message.send ? null : (
        <div className="absolute top-0.5 right-2 sm:right-3">
          <MessageActionsButton username={message.username} />
        </div>
      )}
    </div>
  );
});
