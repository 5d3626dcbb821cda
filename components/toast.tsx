"use client";

import { useCallback, useEffect, useState } from "react";

/** A one-line confirmation ("Copied 12 messages"), announced politely to screen readers. */
export function useToast(): [string | null, (text: string) => void] {
  const [text, setText] = useState<string | null>(null);
  const [serial, setSerial] = useState(0);
  useEffect(() => {
    if (text === null) return;
    const timer = window.setTimeout(() => setText(null), 2_500);
    return () => window.clearTimeout(timer);
  }, [text, serial]);
  const show = useCallback((next: string) => {
    setText(next);
    setSerial((n) => n + 1);
  }, []);
  return [text, show];
}

export function Toast({ text }: { text: string | null }) {
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none absolute top-14 left-1/2 z-40 -translate-x-1/2 font-sans"
    >
      {text ? (
        <span className="block rounded-full border border-(--tint-line) bg-neutral-950/95 px-3.5 py-1.5 text-xs text-neutral-100 shadow-xl shadow-black">
          {text}
        </span>
      ) : null}
    </div>
  );
}
