import type { CommentsPage } from "../../types";
import { INITIAL_WINDOW_ELEMENT_ID } from "../../types/constants";
import { initialWindowSchema } from "../shared/wire";

interface Embedded {
  room: string;
  page: CommentsPage;
}

/** Each document's embedded window as read the first time (null: unreadable). */
const read = new WeakMap<Document, { text: string; window: Embedded | null }>();

/**
 * The recent window the Worker embedded in the served HTML, if it is for this room. Parsed and
 * checked once per document, so the page can read it in a task of its own before its first
 * render needs it; anything unreadable is ignored, and the page loads the window over HTTP as before.
 */
export function readInitialWindow(room: string, doc: Document | undefined = globalThis.document): CommentsPage | null {
  const text = doc?.getElementById(INITIAL_WINDOW_ELEMENT_ID)?.textContent;
  if (!doc || !text) return null;
  let known = read.get(doc);
  if (known?.text !== text) {
    known = { text, window: parse(text) };
    read.set(doc, known);
  }
  return known.window?.room === room ? known.window.page : null;
}

function parse(text: string): Embedded | null {
  try {
    const parsed = initialWindowSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
