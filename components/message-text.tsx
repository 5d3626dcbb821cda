import { memo, useMemo } from "react";
import { unaddressedReason } from "@/lib/chat/mentions";
import { tokenize } from "@/lib/chat/text-tokens";
import { textColor } from "@/lib/shared/colors";
import type { Message } from "@/types";

/** What a stored message adds to its text: the mentions and why any of them asked nobody. */
type Resolved = Pick<Message, "mentions" | "scene" | "username">;

/**
 * A message's text as React text nodes (never HTML, C1), with http(s) links that open in a new
 * tab without access to this page, and the mentions the room resolved (E7) in their entity's
 * color. Words are found under the pointer when clicked (F2, see `wordAt`) rather than wrapped
 * one by one, so a row costs a handful of DOM nodes.
 */
export const MessageText = memo(function MessageText({ text, message }: { text: string; message?: Resolved }) {
  const mentions = message?.mentions;
  const tokens = useMemo(() => tokenize(text, mentions), [text, mentions]);
  const parts: React.ReactNode[] = [];
  let run = "";
  tokens.forEach((token, i) => {
    if (token.kind === "text" || token.kind === "word") {
      run += token.value;
      return;
    }
    if (run) parts.push(run);
    run = "";
    if (token.kind === "link") {
      parts.push(
        <a
          key={`${i}:${token.href}`}
          href={token.href}
          target="_blank"
          rel="noopener noreferrer"
          className="underline decoration-current/40 underline-offset-2 hover:decoration-current"
        >
          {token.value}
        </a>,
      );
      return;
    }
    const { mention } = token;
    const reason = message ? unaddressedReason(message, mention) : null;
    parts.push(
      // The entity's name as it signs, in its color made readable on black (like an author's).
      <span
        key={`${i}:@${mention.entity}`}
        data-mention={mention.entity}
        data-addressed={mention.addressed ? "true" : "false"}
        title={reason ?? `${mention.username} was asked to answer`}
        className={mention.addressed ? "font-semibold" : "opacity-70"}
        style={mention.addressed && mention.color ? { color: textColor(mention.color) } : undefined}
      >
        @{mention.username}
      </span>,
    );
  });
  if (run) parts.push(run);
  return <>{parts}</>;
});
