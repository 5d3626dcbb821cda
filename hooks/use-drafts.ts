"use client";

import { type Dispatch, type SetStateAction, useCallback, useEffect, useMemo, useState } from "react";
import {
  applyDraftEvent,
  type Drafts,
  NO_DRAFTS,
  pruneAnswered,
  type ShownDraft,
  visibleDrafts,
} from "@/lib/chat/drafts";
import type { Message, ServerEvent } from "@/types";

export interface DraftState {
  drafts: Drafts;
  setDrafts: Dispatch<SetStateAction<Drafts>>;
  /** Hand every live event here (useMessages' `onLiveEvent`). */
  onLiveEvent: (event: ServerEvent) => void;
}

/** The replies being generated, kept from the live socket's draft events. */
export function useDrafts(): DraftState {
  const [drafts, setDrafts] = useState<Drafts>(NO_DRAFTS);
  const onLiveEvent = useCallback((event: ServerEvent) => setDrafts((d) => applyDraftEvent(d, event)), []);
  return { drafts, setDrafts, onLiveEvent };
}

/**
 * The drafts to render under `messages`. Only while the socket is live: a polling page gets no
 * draft events, so anything it held could be stale. A draft is hidden in the same render as its
 * stored reply appears in `messages`, and forgotten right after.
 */
export function useShownDrafts(state: DraftState, messages: readonly Message[], live: boolean): ShownDraft[] {
  const { drafts, setDrafts } = state;
  useEffect(() => setDrafts((d) => pruneAnswered(d, messages)), [messages, setDrafts]);
  return useMemo(() => (live ? visibleDrafts(drafts, messages) : []), [drafts, messages, live]);
}
