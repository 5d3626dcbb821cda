"use client";

import { type FormEvent, useEffect, useRef, useState } from "react";
import { actionButtonClass, failButtonClass } from "./panel";

/** O3: failing a message by hand asks why; the reason is what the person who asked will read. */
export function FailForm({
  messageId,
  busy,
  onFail,
  onCancel,
}: {
  messageId: string;
  busy: boolean;
  onFail: (reason: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onFail(reason);
  };
  return (
    <form
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === "Escape") onCancel();
      }}
      aria-label={`Fail ${messageId}`}
      className="mt-1.5 flex flex-wrap items-center gap-1.5"
    >
      <input
        ref={input}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        maxLength={500}
        aria-label={`Reason for failing ${messageId}`}
        placeholder="Reason the person will see (default: failed by an operator)"
        className="h-7 min-w-0 flex-1 basis-48 rounded-md border border-red-400/30 bg-black/50 px-2 text-xs text-neutral-100 outline-none placeholder:text-neutral-500 focus:border-red-300/70"
      />
      <button type="submit" disabled={busy} className={failButtonClass} aria-label={`Confirm fail ${messageId}`}>
        {busy ? "Failing…" : "Fail it"}
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
