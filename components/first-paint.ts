import { FIRST_PAINT_ELEMENT_ID } from "@/types/constants";

/** What the Worker's static first-paint rows (workers/page/rewrite.ts) tell the app's list. */
export interface FirstPaintLayout {
  /** Each static row's height, by message id: the app's row has the same box. */
  rowHeights: ReadonlyMap<string, number>;
}

let measured: FirstPaintLayout | null = null;

/** The layout read by `afterFirstPaintLayout`, or null when there was none to read. */
export function firstPaintLayout(): FirstPaintLayout | null {
  return measured;
}

/** If the browser never lays the page out meanwhile, the app starts anyway. */
const FALLBACK_MS = 1_000;

/**
 * Calls `ready` once the static first-paint rows have been laid out, having read their heights:
 * in a ResizeObserver callback, right after a layout, so the read costs no layout of its own. (Read
 * while the page starts, after hydration has touched the DOM, it would lay the whole page out
 * synchronously, inside a task that is already long.) Without static rows, or in a hidden tab
 * (which lays nothing out), `ready` is called at once. Returns a cancel function.
 */
export function afterFirstPaintLayout(ready: () => void): () => void {
  const element = document.getElementById(FIRST_PAINT_ELEMENT_ID);
  if (!element || document.visibilityState === "hidden" || typeof ResizeObserver === "undefined") {
    ready();
    return () => {};
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    observer.disconnect();
    window.clearTimeout(fallback);
    ready();
  };
  const observer = new ResizeObserver(() => {
    const rowHeights = new Map<string, number>();
    for (const row of element.querySelectorAll<HTMLElement>("li[data-id]")) {
      if (row.dataset.id) rowHeights.set(row.dataset.id, row.offsetHeight);
    }
    measured = { rowHeights };
    finish();
  });
  observer.observe(element);
  const fallback = window.setTimeout(finish, FALLBACK_MS);
  return () => {
    done = true;
    observer.disconnect();
    window.clearTimeout(fallback);
  };
}

/**
 * The app's list is on screen in the static rows' place: they go. Hidden at the start of the next
 * frame (one style change, which that frame's own style pass applies: set now, the list's scroll
 * handlers would apply it, reading the layout), removed from the document once the page is idle:
 * removing some 300 laid-out nodes from inside the page's start-up work is what costs.
 */
export function retireFirstPaint(): void {
  const element = document.getElementById(FIRST_PAINT_ELEMENT_ID);
  if (!element) return;
  const remove = () => element.remove();
  const hide = () => {
    element.style.display = "none";
    if (typeof requestIdleCallback === "function") requestIdleCallback(remove, { timeout: 2_000 });
    else window.setTimeout(remove, 1_000);
  };
  // A hidden tab runs no frames.
  if (document.visibilityState === "hidden") hide();
  else requestAnimationFrame(hide);
}
