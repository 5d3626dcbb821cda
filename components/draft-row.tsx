"use client";

import { memo } from "react";
import { isThinking, type ShownDraft } from "@/lib/chat/drafts";
import { textColor, usernameColor } from "@/lib/shared/colors";
import { MessageText } from "./message-text";

/**
 * An entity's reply while it is being generated: laid out like the message row it will become
 * (same identity, same columns), growing in place with a caret and "typing". While a thinking
 * model reasons it says "Sage is thinking…" (what it thinks is never sent). Not a message: it has
 * no menu, no time and never reaches the exports; the stored reply replaces it.
 */
export const DraftRow = memo(function DraftRow({ draft }: { draft: ShownDraft }) {
  const thinking = isThinking(draft);
  return (
    <div
      className="relative flex items-start gap-3 px-3 py-[3px] sm:px-4"
      data-testid="draft-row"
      data-reply-to={draft.messageId}
      data-phase={thinking ? "thinking" : "writing"}
      aria-busy="true"
    >
      <span className="w-9 shrink-0 pt-px text-right font-sans text-[11px] leading-5 text-muted">
        {thinking ? "" : "typing"}
      </span>
      <div className="min-w-0 flex-1 whitespace-pre-wrap break-words pr-6 font-mono text-[13px] leading-5">
        {thinking ? (
          <span className="inline-flex items-center gap-1.5 font-sans text-[12px] text-muted" role="status">
            <span className="typing-dots" aria-hidden="true">
              <span />
              <span />
              <span />
            </span>
            <span>
              <span style={{ color: usernameColor(draft.color) }}>{draft.username}</span> is thinking…
            </span>
          </span>
        ) : (
          <>
            <span className="mr-1.5" style={{ color: usernameColor(draft.color) }}>
              <span className="mr-1 text-[9px] align-[1px]">◆</span>
              {draft.username}:
            </span>
            <span style={{ color: textColor(draft.color) }}>
              <MessageText text={draft.text} />
            </span>
            <span
              aria-hidden="true"
              className="ml-px inline-block animate-pulse"
              style={{ color: textColor(draft.color) }}
            >
              ▍
            </span>
          </>
        )}
      </div>
    </div>
  );
});
