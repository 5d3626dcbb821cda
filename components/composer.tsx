"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { useMentionAutocomplete } from "@/hooks/use-mention-autocomplete";
import { checkDraft, usernameHint } from "@/lib/chat/outgoing";
import type { EntityPresence } from "@/lib/shared/presence";
import { LIMITS } from "@/types/constants";
import { ColorPicker } from "./color-picker";
import { MentionCombobox } from "./mention-combobox";

interface Props {
  username: string;
  color: string;
  onUsername: (name: string) => void;
  onColor: (color: string) => void;
  onRandomColor: () => void;
  /** Returns true when the message was handed over for sending. */
  onSend: (text: string) => boolean;
  /** The entity messages are addressed to, and whether a bot serves it (C9). */
  addressed: EntityPresence | undefined;
  /** The room's entities, offered when `@` starts a mention (E7). */
  entities?: readonly EntityPresence[];
  /** The message box changed (typing frames; the caller throttles). "" after a send. */
  onText?: (text: string) => void;
}

const NO_ENTITIES: readonly EntityPresence[] = [];

/**
 * C4/C5: the message box (Enter sends, Shift+Enter is a newline, 240 characters with a counter),
 * the username box and the color picker. Sending without a usable username flashes the username
 * box and says why until the name changes; the message stays in its box.
 */
export function Composer({
  username,
  color,
  onUsername,
  onColor,
  onRandomColor,
  onSend,
  addressed,
  entities = NO_ENTITIES,
  onText,
}: Props) {
  const [text, setText] = useState("");
  const [flash, setFlash] = useState(false);
  const [nameHint, setNameHint] = useState<string | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const mention = useMentionAutocomplete({ text, setText, textRef, entities });

  // Grow with the text up to a few lines, then scroll inside. Re-measured whenever the text
  // changes; an empty box is one line, its own height, with nothing to measure (reading the
  // height would lay the whole page out at once while it starts).
  useEffect(() => {
    const el = textRef.current;
    if (!el) return;
    el.style.height = "auto";
    if (text) el.style.height = `${Math.min(el.scrollHeight, 120)}px`;
  }, [text]);

  useEffect(() => {
    if (!flash) return;
    const timer = window.setTimeout(() => setFlash(false), 1_200);
    return () => window.clearTimeout(timer);
  }, [flash]);

  const submit = () => {
    const problem = checkDraft(text, username);
    if (problem === "no-username" || problem === "bad-username") {
      setNameHint(usernameHint(username));
      setFlash(true);
      nameRef.current?.focus();
      return;
    }
    if (problem) return;
    if (onSend(text)) {
      setText("");
      onText?.("");
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mention.onKeyDown(event)) return;
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  const length = text.length;
  return (
    <form
      onSubmit={onSubmit}
      className="relative border-t border-(--tint-line) bg-neutral-950/80 px-3 pt-2 pb-[max(0.5rem,env(safe-area-inset-bottom))] backdrop-blur sm:px-4"
    >
      <div className="mb-2 flex items-center gap-2 font-sans text-xs">
        <ColorPicker color={color} onPick={onColor} onRandom={onRandomColor} />
        <input
          ref={nameRef}
          aria-label="Username"
          value={username}
          onChange={(e) => {
            onUsername(e.target.value);
            setNameHint(null);
          }}
          maxLength={LIMITS.usernameMax}
          aria-invalid={nameHint ? true : undefined}
          aria-describedby={nameHint ? "username-hint" : undefined}
          placeholder="username"
          autoComplete="nickname"
          spellCheck={false}
          className={`h-9 w-36 rounded-md border bg-black px-2.5 font-mono text-[13px] text-(--tint-text) placeholder:text-(--tint-strong) focus:outline-none focus-visible:ring-2 focus-visible:ring-(--tint-line) ${
            flash ? "animate-flash border-red-400" : "border-(--tint-line)"
          }`}
        />
        {nameHint ? (
          <span id="username-hint" role="alert" className="min-w-0 leading-tight text-red-300">
            {nameHint}
          </span>
        ) : addressed ? (
          <span
            className="flex min-w-0 items-center gap-1.5 truncate rounded-full border border-white/10 px-2.5 py-1 text-neutral-300"
            title={
              addressed.served ? "A bot is serving this entity" : "No bot has asked for this entity's messages recently"
            }
          >
            <span
              className={`size-1.5 shrink-0 rounded-full ${addressed.served ? "bg-emerald-400 shadow-[0_0_6px] shadow-emerald-400" : "bg-neutral-500"}`}
              aria-hidden="true"
            />
            <span className="truncate">
              to <span className="text-white">{addressed.id}</span> · {addressed.served ? "online" : "offline"}
            </span>
          </span>
        ) : null}
        <span className={`ml-auto tabular-nums ${length > LIMITS.composerMax - 20 ? "text-amber-300" : "text-muted"}`}>
          {length}/{LIMITS.composerMax}
        </span>
      </div>
      <MentionCombobox autocomplete={mention} />
      <div className="flex items-end gap-2">
        <textarea
          ref={textRef}
          aria-label="Message"
          {...mention.inputProps}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            onText?.(e.target.value);
          }}
          onKeyDown={onKeyDown}
          maxLength={LIMITS.composerMax}
          rows={1}
          placeholder={addressed ? `Message ${addressed.id}…` : "Say what you want…"}
          enterKeyHint="send"
          className="min-h-10 flex-1 resize-none rounded-md border border-(--tint-line) bg-black px-3 py-2 font-mono text-[14px] leading-5 text-(--tint-text) placeholder:text-(--tint-strong) focus:outline-none focus-visible:border-(--tint-strong) focus-visible:ring-2 focus-visible:ring-(--tint-faint)"
        />
        <button
          type="submit"
          className="h-10 shrink-0 rounded-md bg-(--tint-text) px-4 font-sans text-sm font-semibold text-black hover:brightness-110 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-(--tint-text) disabled:opacity-40"
        >
          Send
        </button>
      </div>
    </form>
  );
}
