import { memo, useMemo } from "react";
import { tokenize } from "@/lib/text-tokens";

/**
 * A message's text as React text nodes (never HTML, C1), with http(s) links that open in a new
 * tab without access to this page. Words are found under the pointer when clicked (F2, see
 * `wordAt`) rather than wrapped one by one, so a row costs a handful of DOM nodes.
 */
export const MessageText = memo(function MessageText({ text }: { text: string }) {
  const tokens = useMemo(() => tokenize(text), [text]);
  const parts: React.ReactNode[] = [];
  let run = "";
  tokens.forEach((token, i) => {
    if (token.kind !== "link") {
      run += token.value;
      return;
    }
    if (run) parts.push(run);
    run = "";
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
  });
  if (run) parts.push(run);
  return <>{parts}</>;
});
