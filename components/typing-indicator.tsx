"use client";

import type { Identity } from "@/lib/chat/hash-state";
import { typingLine } from "@/lib/chat/typing";
import { usernameColor } from "@/lib/shared/colors";
import type { ServerEvent } from "@/types";

/**
 * "Ann is typing…" in Ann's color, up to three names, then "4 people are typing…". Never this
 * page's own user. Polite live region: a screen reader hears it without being interrupted.
 */
export function TypingIndicator({
  activity,
  me,
}: {
  activity: Extract<ServerEvent, { type: "activity" }> | null;
  me: Identity | undefined;
}) {
  const line = activity ? typingLine(activity, me) : { names: [], count: 0 };
  return (
    <div
      aria-live="polite"
      data-testid="typing-indicator"
      // Over the bottom edge of the list, so showing it never moves the composer or the rows.
      className="pointer-events-none absolute inset-x-0 bottom-full truncate bg-linear-to-t from-black/90 to-transparent px-3 font-sans text-[11px] leading-5 text-muted empty:hidden sm:px-4"
    >
      {line.count === 0 ? null : line.names.length === 0 ? (
        <span>{line.count} people are typing…</span>
      ) : (
        <span>
          {line.names.map((t, i) => (
            <span key={`${t.username}:${t.color}`}>
              {i > 0 ? (i === line.names.length - 1 ? " and " : ", ") : null}
              <span style={{ color: usernameColor(t.color) }}>{t.username}</span>
            </span>
          ))}{" "}
          {line.names.length === 1 ? "is" : "are"} typing…
        </span>
      )}
    </div>
  );
}
