"use client";

import type { ButtonHTMLAttributes } from "react";
import { loadMenus, type OpenedBy } from "@/hooks/use-menus";

/**
 * The menus (Radix, with its positioning and focus helpers: ~70 KiB of script) load on first
 * use, not with the page: until then each menu's trigger is this plain button, which looks and
 * announces the same (`aria-haspopup="menu"`). Pressing it (pointer down, or Enter, Space or
 * ArrowDown, as Radix's own trigger) loads components/menus.tsx and puts the real menu in its
 * place, open. Hovering or focusing it starts the load early. The loader and its hooks are
 * hooks/use-menus.ts.
 */

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
