"use client";

import { useCallback, useSyncExternalStore } from "react";

const listeners = new Map<string, Set<() => void>>();

function notify(key: string) {
  for (const listener of listeners.get(key) ?? []) listener();
}

/**
 * Other tabs' changes, for every key through one `storage` listener, added in a task of its own:
 * adding it costs a browser far more than other listeners (milliseconds on a phone), and each
 * component reading storage used to add its own while the page's first render committed.
 */
let watchingOtherTabs = false;
function watchOtherTabs() {
  if (watchingOtherTabs) return;
  watchingOtherTabs = true;
  window.setTimeout(() =>
    window.addEventListener("storage", (event) => {
      if (event.key !== null) notify(event.key);
    }),
  );
}

/**
 * A string kept in localStorage, shared by every component that reads the same key and kept in
 * step with other tabs. Storage that is unavailable (private mode, quota) degrades to memory.
 */
export function useLocalStorage(key: string): [string | null, (value: string | null) => void] {
  const subscribe = useCallback(
    (listener: () => void) => {
      let set = listeners.get(key);
      if (!set) {
        set = new Set();
        listeners.set(key, set);
      }
      set.add(listener);
      watchOtherTabs();
      return () => {
        set.delete(listener);
      };
    },
    [key],
  );
  const value = useSyncExternalStore(
    subscribe,
    () => readStorage(key),
    () => null,
  );
  const setValue = useCallback(
    (next: string | null) => {
      writeStorage(key, next);
      notify(key);
    },
    [key],
  );
  return [value, setValue];
}

/** The stored value, read outside React (before the page's first render). */
export function readStoredValue(key: string): string | null {
  return readStorage(key);
}

/** Stores a value outside React; every component reading the key follows. */
export function storeValue(key: string, value: string | null): void {
  writeStorage(key, value);
  notify(key);
}

const memory = new Map<string, string>();

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}

function writeStorage(key: string, value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
  }
}
