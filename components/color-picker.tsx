"use client";

import { useDeferredOpen, useMenus } from "@/hooks/use-menus";
import { cssRgb, rgbOf } from "@/lib/shared/colors";
import { DeferredTrigger } from "./deferred-menu";

const triggerClass =
  "grid size-9 shrink-0 place-items-center rounded-md border border-(--tint-line) hover:bg-(--tint-faint) focus-visible:outline-2 focus-visible:outline-(--tint-strong)";

/**
 * C5: a grid of fresh colors each time it opens; `r` anywhere outside a text box picks at random.
 * The menu itself (components/menus.tsx) loads on first use.
 */
export function ColorPicker({
  color,
  onPick,
  onRandom,
}: {
  color: string;
  onPick: (color: string) => void;
  onRandom: () => void;
}) {
  const menus = useMenus();
  const [opened, open] = useDeferredOpen();
  const face = (
    <span className="size-4 rounded-full ring-2 ring-black/60" style={{ background: cssRgb(rgbOf(color)) }} />
  );
  if (menus && opened) {
    return (
      <menus.ColorPicker onPick={onPick} onRandom={onRandom} opened={opened} triggerClass={triggerClass} face={face} />
    );
  }
  return (
    <DeferredTrigger aria-label="Choose color" title="Choose color (r: random)" className={triggerClass} onOpen={open}>
      {face}
    </DeferredTrigger>
  );
}
