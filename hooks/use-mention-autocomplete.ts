"use client";

import {
  type KeyboardEvent,
  type RefObject,
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { insertMention, type MentionOption, mentionAt, mentionOptions } from "@/lib/chat/mentions";
import type { EntityPresence } from "@/lib/shared/presence";

export interface MentionAutocomplete {
  open: boolean;
  options: MentionOption[];
  /** The highlighted option, or -1 before ArrowDown/ArrowUp picked one. */
  active: number;
  listId: string;
  optionId: (index: number) => string;
  choose: (option: MentionOption) => void;
  /** The autocomplete attributes and caret tracking for the message box. */
  inputProps: {
    "aria-autocomplete": "list";
    "aria-controls": string | undefined;
    "aria-activedescendant": string | undefined;
    onSelect: () => void;
    onFocus: () => void;
    onBlur: () => void;
  };
  /** Handles the list's keys while it is open; returns true when it used the key. */
  onKeyDown: (event: KeyboardEvent<HTMLTextAreaElement>) => boolean;
}

/**
 * E7: `@` at a word start in the message box opens the room's entities (a listbox popup, list
 * autocomplete). The message box stays a textbox: ARIA allows no role on a `<textarea>`, so it is
 * not a combobox; it says what it completes with `aria-autocomplete`, names the open list with
 * `aria-controls` (only while it is open, which is also how the open state reads) and the
 * highlighted option with `aria-activedescendant`, all valid on a textbox. ArrowDown/ArrowUp move, Enter or Tab insert `@Username `
 * (the first option when none is highlighted), Esc closes without changing the text, a tap or
 * click chooses. While it is closed every key does what it did before (Enter sends).
 */
export function useMentionAutocomplete(options: {
  text: string;
  setText: (text: string) => void;
  textRef: RefObject<HTMLTextAreaElement | null>;
  entities: readonly EntityPresence[];
}): MentionAutocomplete {
  const { text, setText, textRef, entities } = options;
  const listId = useId();
  // An empty box's caret is at 0: starting there, the first caret sync (a layout effect) changes
  // nothing, and the page's first commit does not render the composer again at once.
  const [caret, setCaret] = useState<number | null>(0);
  const [focused, setFocused] = useState(false);
  // The highlighted option belongs to one query: typing on starts over from none.
  const [highlight, setHighlight] = useState<{ key: string; index: number }>({ key: "", index: -1 });
  // Esc closes the list for the `@` it was opened at, until the caret leaves that mention.
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const pendingCaret = useRef<number | null>(null);

  const at = useMemo(() => (caret === null ? null : mentionAt(text, caret)), [text, caret]);
  const shown = useMemo(() => (at ? mentionOptions(entities, at.query) : []), [at, entities]);
  const open = focused && at !== null && shown.length > 0 && dismissedAt !== at.start;
  const key = at ? `${at.start}:${at.query}` : "";
  const active = open && highlight.key === key && highlight.index < shown.length ? highlight.index : -1;

  useEffect(() => {
    if (at === null && dismissedAt !== null) setDismissedAt(null);
  }, [at, dismissedAt]);

  // The caret follows the text: a typed character moves it, and so does our own insertion.
  const syncCaret = useCallback(() => {
    const el = textRef.current;
    setCaret(el && el.selectionStart === el.selectionEnd ? el.selectionStart : null);
  }, [textRef]);
  useLayoutEffect(() => {
    const el = textRef.current;
    const next = pendingCaret.current;
    if (el && next !== null && el.value === text) {
      pendingCaret.current = null;
      el.setSelectionRange(next, next);
      setCaret(next);
      return;
    }
    syncCaret();
  }, [text, textRef, syncCaret]);

  const choose = useCallback(
    (option: MentionOption) => {
      if (!at) return;
      const next = insertMention(text, at, option.insert);
      if (!next) return;
      pendingCaret.current = next.caret;
      setText(next.text);
      textRef.current?.focus();
    },
    [at, text, setText, textRef],
  );

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLTextAreaElement>) => {
      if (!open || event.nativeEvent.isComposing) return false;
      const count = shown.length;
      switch (event.key) {
        case "ArrowDown":
          setHighlight({ key, index: active < 0 ? 0 : (active + 1) % count });
          break;
        case "ArrowUp":
          setHighlight({ key, index: active <= 0 ? count - 1 : active - 1 });
          break;
        case "Enter":
        case "Tab": {
          if (event.shiftKey) return false;
          const option = shown[active < 0 ? 0 : active];
          if (option) choose(option);
          break;
        }
        case "Escape":
          if (at) setDismissedAt(at.start);
          event.stopPropagation();
          break;
        default:
          return false;
      }
      event.preventDefault();
      return true;
    },
    [open, shown, key, active, choose, at],
  );

  const optionId = useCallback((index: number) => `${listId}-option-${index}`, [listId]);
  return {
    open,
    options: shown,
    active,
    listId,
    optionId,
    choose,
    inputProps: {
      "aria-autocomplete": "list",
      // Only while the list exists: an id reference must name an element on the page.
      "aria-controls": open ? listId : undefined,
      "aria-activedescendant": active >= 0 ? optionId(active) : undefined,
      onSelect: syncCaret,
      onFocus: () => {
        setFocused(true);
        syncCaret();
      },
      onBlur: () => setFocused(false),
    },
    onKeyDown,
  };
}
