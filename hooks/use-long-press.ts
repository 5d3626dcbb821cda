"use client";

import { type PointerEvent, type TouchEvent, useRef } from "react";

/**
 * X1 on touch screens: holding a finger still for `ms` fires a `contextmenu` event where it
 * rests, so the same menu opens as for a right-click. Moving the finger (scrolling) cancels it.
 */
export function useLongPress(ms: number) {
  const timer = useRef<number | null>(null);
  const fired = useRef(false);
  const cancel = () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = null;
  };
  return {
    onPointerDown(event: PointerEvent) {
      if (event.pointerType !== "touch") return;
      const { clientX, clientY } = event;
      const element = event.target as HTMLElement;
      cancel();
      fired.current = false;
      timer.current = window.setTimeout(() => {
        fired.current = true;
        element.dispatchEvent(new MouseEvent("contextmenu", { bubbles: true, cancelable: true, clientX, clientY }));
      }, ms);
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    onPointerMove(event: PointerEvent) {
      if (Math.abs(event.movementX) + Math.abs(event.movementY) > 4) cancel();
    },
    onTouchEnd(event: TouchEvent) {
      // The lifted finger would fire a click that closes the menu it just opened.
      if (fired.current) event.preventDefault();
      fired.current = false;
    },
  };
}
