"use client";

import { type ButtonHTMLAttributes, useState, useSyncExternalStore } from "react";

/**
 * The menus (Radix, with its positioning and focus helpers: ~70 KiB of script) load on first
 * use, not with the page: until then each menu's trigger is this plain button, which looks and
 * announces the same (`aria-haspopup="menu"`). Pressing it (pointer down, or Enter, Space or
 * ArrowDown, as Radix's own trigger) loads components/menus.tsx and puts the real menu in its
 * place, open. Hovering or focusing it starts the load early.
 */

type Menus = typeof import("./menus");
/** How a menu was first opened: from the keyboard its first item takes focus, as Radix does. */
export type OpenedBy = "pointer" | "keyboard";

let menus: Menus | null = null;
let loading: Promise<Menus> | null = null;
const listeners = new Set<() => void>();

export function loadMenus(): Promise<Menus> {
  loading ??= import("./menus").then((m) => {
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

const OPEN_KEYS = new Set(["Enter", " ", "ArrowDown"]);

/** The stand-in trigger: a button that opens its menu the way Radix's trigger would. */
export function DeferredTrigger({
  onOpen,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { onOpen: (by: OpenedBy) => void }) {
  return (
    <button
      type="button"
      aria-haspopup="menu"
      aria-expanded={false}
      data-state="closed"
      {...props}
      onPointerEnter={() => void loadMenus()}
      onFocus={() => void loadMenus()}
      onPointerDown={(event) => {
        if (event.button !== 0 || event.ctrlKey) return;
        // As Radix: the menu, not the trigger, takes focus.
        event.preventDefault();
        onOpen("pointer");
      }}
      onKeyDown={(event) => {
        if (!OPEN_KEYS.has(event.key)) return;
        event.preventDefault();
        onOpen("keyboard");
      }}
    />
  );
}

/** A point the page asked a menu to open at (a right-click, a long-press, a row's "⋯" button). */
export interface MenuPoint {
  x: number;
  y: number;
  by: OpenedBy;
}

/**
 * Contextmenu events dispatched by a control activated from the keyboard (a row's "⋯" button
 * pressed with Enter): the menu they open gives its first item focus.
 */
export const keyboardContextMenus = new WeakSet<Event>();
