"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type Chip, chipsMatching } from "@/lib/chat/chips";
import type { Identity } from "@/lib/chat/hash-state";
import { isMine } from "@/lib/chat/outgoing";
import { parseSoundSettings, playSound, type SoundName, shouldPlay } from "@/lib/chat/sounds";
import type { Message } from "@/types";
import { useLocalStorage } from "./use-local-storage";

export interface Notifications {
  soundFor: (chip: Chip) => SoundName;
  setSound: (chip: Chip, sound: SoundName) => void;
  unread: ReadonlySet<string>;
  markRead: (chip: Chip) => void;
  /** Feed this the messages each poll brought. */
  onArrived: (messages: Message[]) => void;
}

/**
 * N1: a matching new message plays its chip's sound (once a second at most) and marks the chip
 * unread until hovered. N2: while the tab is hidden its title counts unread messages.
 */
export function useNotifications(chips: Chip[], me: Identity | undefined, title: string): Notifications {
  const [rawSettings, storeSettings] = useLocalStorage("sww:sounds");
  const settings = useMemo(() => parseSoundSettings(rawSettings), [rawSettings]);
  const [unread, setUnread] = useState<ReadonlySet<string>>(new Set());
  const [hiddenUnread, setHiddenUnread] = useState(0);
  const lastPlayedAt = useRef<number | null>(null);
  const latest = useRef({ chips, me, settings });
  latest.current = { chips, me, settings };

  const soundFor = useCallback((chip: Chip) => settings[chip.key] ?? "silent", [settings]);
  const setSound = useCallback(
    (chip: Chip, sound: SoundName) => {
      const next = { ...settings, [chip.key]: sound };
      if (sound === "silent") delete next[chip.key];
      storeSettings(JSON.stringify(next));
      playSound(sound);
    },
    [settings, storeSettings],
  );
  const markRead = useCallback((chip: Chip) => {
    setUnread((current) => {
      if (!current.has(chip.key)) return current;
      const next = new Set(current);
      next.delete(chip.key);
      return next;
    });
  }, []);

  const onArrived = useCallback((messages: Message[]) => {
    const { chips: currentChips, me: currentMe, settings: currentSettings } = latest.current;
    const others = messages.filter((m) => !isMine(m, currentMe));
    if (others.length === 0) return;
    if (document.hidden) setHiddenUnread((n) => n + others.length);
    const matched = others.flatMap((m) => chipsMatching(m, currentChips));
    if (matched.length === 0) return;
    setUnread((current) => new Set([...current, ...matched.map((c) => c.key)]));
    const sound = matched.map((c) => currentSettings[c.key]).find((s) => s && s !== "silent");
    const now = Date.now();
    if (sound && shouldPlay(lastPlayedAt.current, now)) {
      lastPlayedAt.current = now;
      playSound(sound);
    }
  }, []);

  useEffect(() => {
    const onVisibility = () => {
      if (!document.hidden) setHiddenUnread(0);
    };
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, []);

  useEffect(() => {
    document.title = hiddenUnread > 0 ? `(${hiddenUnread}) ${title}` : title;
  }, [hiddenUnread, title]);

  return { soundFor, setSound, unread, markRead, onArrived };
}
