"use client";

import { useCallback, useMemo, useSyncExternalStore } from "react";
import { formatHash, type HashState, parseHash } from "@/lib/chat/hash-state";

/** Hash changes made with pushState fire no event, so our own writes notify subscribers here. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("hashchange", listener);
  window.addEventListener("popstate", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("hashchange", listener);
    window.removeEventListener("popstate", listener);
  };
}

const readHash = () => window.location.hash;
const serverHash = () => "";

/**
 * F7: the conversation state, read from and written to the URL hash. Every change is a history
 * entry, so Back undoes a filter; pasting a URL restores everything.
 */
export function useHashState(): [HashState, (update: (state: HashState) => HashState) => void] {
  const hash = useSyncExternalStore(subscribe, readHash, serverHash);
  const state = useMemo(() => parseHash(hash), [hash]);
  const update = useCallback((change: (state: HashState) => HashState) => {
    const next = formatHash(change(parseHash(window.location.hash)));
    if (next === window.location.hash || (next === "" && window.location.hash === "")) return;
    const url = `${window.location.pathname}${window.location.search}${next}`;
    window.history.pushState(null, "", url);
    for (const listener of listeners) listener();
  }, []);
  return [state, update];
}
