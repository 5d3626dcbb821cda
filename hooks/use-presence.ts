"use client";

import { useCallback, useMemo, useRef, useState } from "react";
import { TypingSender } from "@/lib/chat/typing";
import { colorSchema, usernameSchema } from "@/lib/shared/wire";
import type { ClientFrame, Line, ServerEvent } from "@/types";

type Activity = Extract<ServerEvent, { type: "activity" }>;

export interface PresenceState {
  /** Open pages of the room, while live (polling pages do not know). */
  here: number | undefined;
  /** Who is typing (the page filters itself out when showing it); null while not live. */
  activity: Activity | null;
  /** Each entity's line, by entity id (empty while not live). */
  lines: ReadonlyMap<string, Line>;
  /** Hand every live event here. */
  onLiveEvent: (event: ServerEvent) => void;
}

const NO_LINES: ReadonlyMap<string, Line> = new Map();

/** Who is here, from the room's `activity` and `lines` frames. Nothing of it is kept once not live. */
export function usePresence(live: boolean): PresenceState {
  const [activity, setActivity] = useState<Activity | null>(null);
  const [lines, setLines] = useState<ReadonlyMap<string, Line>>(NO_LINES);
  const onLiveEvent = useCallback((event: ServerEvent) => {
    if (event.type === "activity") setActivity(event);
    else if (event.type === "lines") setLines(new Map(event.lines.map((l) => [l.entity, l])));
    else if (event.type === "hello") {
      // A new socket: what the old one said may be stale; the room sends both again right away.
      setActivity(null);
      setLines(NO_LINES);
    }
  }, []);
  return {
    here: live ? activity?.here : undefined,
    activity: live ? activity : null,
    lines: live ? lines : NO_LINES,
    onLiveEvent,
  };
}

/**
 * The composer's typing frames (its box's text, "" once sent or cleared): throttled by TypingSender (one per refresh interval, never per
 * key), and only for a name and color a message could carry — the room closes a socket whose
 * frame breaks the message rules, so a half-typed username sends nothing instead.
 */
export function useTypingFrames(
  frames: { current: ((frame: ClientFrame) => void) | null },
  who: { username: string; color: string } | undefined,
): { onText: (text: string) => void; onLiveEvent: (event: ServerEvent) => void } {
  const sender = useRef(new TypingSender());
  const valid = useMemo(
    () =>
      who && usernameSchema.safeParse(who.username).success && colorSchema.safeParse(who.color).success
        ? { username: who.username, color: who.color }
        : undefined,
    [who],
  );
  const whoRef = useRef(valid);
  whoRef.current = valid;
  const onText = useCallback(
    (text: string) => {
      const me = whoRef.current;
      if (!me) return;
      const frame = sender.current.input(text, me, Date.now());
      if (frame) frames.current?.(frame);
    },
    [frames],
  );
  const onLiveEvent = useCallback((event: ServerEvent) => {
    if (event.type === "hello") sender.current.reset();
  }, []);
  return { onText, onLiveEvent };
}
