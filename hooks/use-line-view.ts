"use client";

import { createContext, useContext } from "react";
import type { DraftProgress } from "@/lib/chat/line-state";
import type { Line } from "@/types";

/** Each entity's line and the drafts being written, for the queue markers of every row. */
export interface LineView {
  /** Lines and drafts come by push only: a polling page says "answering" without knowing which phase. */
  live: boolean;
  lines: ReadonlyMap<string, Line>;
  drafts: ReadonlyMap<string, DraftProgress>;
}

const NONE: LineView = { live: false, lines: new Map(), drafts: new Map() };

/** A context rather than props: rows are memoised, and only the markers need to re-render. */
export const LineContext = createContext<LineView>(NONE);

export function useLineView(): LineView {
  return useContext(LineContext);
}
