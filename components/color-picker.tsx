"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useState } from "react";
import { colorGrid, cssRgb, rgbOf } from "@/lib/colors";
import { menuContentClass, menuItemClass, menuLabelClass } from "./menu-styles";

const GRID_SIZE = 24;

/** C5: a grid of fresh colors each time it opens; `r` anywhere outside a text box picks at random. */
export function ColorPicker({
  color,
  onPick,
  onRandom,
}: {
  color: string;
  onPick: (color: string) => void;
  onRandom: () => void;
}) {
  const [grid, setGrid] = useState<string[]>([]);
  return (
    <DropdownMenu.Root modal={false} onOpenChange={(open) => open && setGrid(colorGrid(GRID_SIZE))}>
      <DropdownMenu.Trigger
        aria-label="Choose color"
        title="Choose color (r: random)"
        className="grid size-9 shrink-0 place-items-center rounded-md border border-(--tint-line) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong)"
      >
        <span className="size-4 rounded-full ring-2 ring-black/60" style={{ background: cssRgb(rgbOf(color)) }} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content side="top" align="start" sideOffset={8} className={`${menuContentClass} w-60`} loop>
          <DropdownMenu.Label className={menuLabelClass}>Your color</DropdownMenu.Label>
          <div className="grid grid-cols-6 gap-1.5 p-1.5">
            {grid.map((c) => (
              <DropdownMenu.Item
                key={c}
                aria-label={`Color ${c}`}
                onSelect={() => onPick(c)}
                className="aspect-square cursor-pointer rounded-md outline-none ring-white/80 data-[highlighted]:ring-2"
                style={{ background: cssRgb(rgbOf(c)) }}
              />
            ))}
          </div>
          <DropdownMenu.Item className={menuItemClass} onSelect={onRandom}>
            Random color <kbd className="ml-auto rounded border border-white/20 px-1 text-[10px] text-muted">r</kbd>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
