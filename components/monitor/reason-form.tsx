"use client";

import { type FormEvent, useEffect, useRef, useState } from "react";
import { MODERATION } from "@/types";
import { actionButtonClass, failButtonClass } from "./panel";

/** The actions that ask for a reason: how they read while under way, and what the reason may be. */
const ACTIONS = {
  Fail: {
    doing: "failing",
    maxLength: 500,
    placeholder: "Reason, for operators (people see only: failed by an operator)",
  },
  Remove: {
    doing: "removing",
    maxLength: MODERATION.reasonMax,
    placeholder: `Reason (default: ${MODERATION.defaultRemoveReason})`,
  },
} as const;

/**
 * An operator's destructive action that asks why first (O3 fail by hand, removing a message): the
 * reason is what the person who asked will read, or what the audit log keeps. Escape cancels.
 */
export function ReasonForm({
  action,
  messageId,
  busy,
  onSubmit,
  onCancel,
}: {
  action: keyof typeof ACTIONS;
  messageId: string;
  busy: boolean;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(reason);
  };
  const verb = action.toLowerCase();
  const { doing, maxLength, placeholder } = ACTIONS[action];
  return (
    <form
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onCancel();
      }}
      aria-label={`${action} ${messageId}`}
      className="mt-1.5 flex flex-wrap items-center gap-1.5"
    >
      <input
        ref={input}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={maxLength}
        aria-label={`Reason for ${doing} ${messageId}`}
        placeholder={placeholder}
        className="h-7 min-w-0 flex-1 basis-48 rounded-md border border-red-400/30 bg-black/50 px-2 text-xs text-neutral-100 outline-none placeholder:text-neutral-500 focus:border-red-300/70"
      />
      <button type="submit" disabled={busy} className={failButtonClass} aria-label={`Confirm ${verb} ${messageId}`}>
        {busy ? `${doing.charAt(0).toUpperCase()}${doing.slice(1)}…` : `${action} it`}
      </button>
      <button
        type="button"
        onClick={onCancel}
        className={`${actionButtonClass} border-white/10 text-neutral-300 hover:bg-white/5 focus-visible:outline-neutral-300`}
      >
        Cancel
      </button>
    </form>
  );
}
