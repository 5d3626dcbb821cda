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
