import type { CommentsPage } from "../../types";
import { INITIAL_WINDOW_ELEMENT_ID } from "../../types/constants";
import { initialWindowSchema } from "../shared/wire";

/**
 * The recent window the Worker embedded in the served HTML, if it is for this room. Read once;
 * anything unreadable is ignored, and the page loads the window over HTTP as before.
 */
export function readInitialWindow(room: string, doc: Document | undefined = globalThis.document): CommentsPage | null {
  const text = doc?.getElementById(INITIAL_WINDOW_ELEMENT_ID)?.textContent;
  if (!text) return null;
  try {
    const parsed = initialWindowSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.room === room ? parsed.data.page : null;
  } catch {
    return null;
  }
}
