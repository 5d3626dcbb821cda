"use client";

import { useState, useSyncExternalStore } from "react";

/**
 * The menus (Radix, with its positioning and focus helpers: ~70 KiB of script) load on first
 * use, not with the page (components/deferred-menu.tsx stands in for each trigger until then):
 * the module, its loader, and the hooks that follow it.
 */

type Menus = typeof import("@/components/menus");
/** How a menu was first opened: from the keyboard its first item takes focus, as Radix does. */
export type OpenedBy = "pointer" | "keyboard";

let menus: Menus | null = null;
let loading: Promise<Menus> | null = null;
const listeners = new Set<() => void>();

export function loadMenus(): Promise<Menus> {
  loading ??= import("@/components/menus").then((m) => {
    menus = m;
    for (const l of listeners) l();
    return m;
  });
  return loading;
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** The menus module once loaded (every deferred menu re-renders then), else null. */
export function useMenus(): Menus | null {
  return useSyncExternalStore(
    subscribe,
    () => menus,
    () => null,
  );
}

/**
 * For one deferred menu: null until its trigger is pressed, then how it was opened (the real
 * menu then renders, open). `open` runs at once when the module is already here, so the real
 * menu mounts inside the same key or pointer event.
 */
export function useDeferredOpen(): [OpenedBy | null, (by: OpenedBy) => void] {
  const [opened, setOpened] = useState<OpenedBy | null>(null);
  const open = (by: OpenedBy) => {
    if (menus) setOpened(by);
    else void loadMenus().then(() => setOpened(by));
  };
  return [opened, open];
}
