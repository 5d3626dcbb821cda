import { describe, expect, it } from "vitest";
import type { Line, Message } from "../../types";
import { lineState } from "./line-state";

const ask = (id: string, status: "pending" | "processing" | "complete") =>
  ({ id, botParams: { entity: "eve", status, priority: 5, attempts: 0 } }) as unknown as Pick<
    Message,
    "id" | "botParams"
  >;
const lines = new Map<string, Line>([["eve", { entity: "eve", pending: 2, processing: 1, next: ["b", "c"] }]]);

describe("lineState", () => {
  it("waiting: those being answered plus the place in claim order; unknown past the list", () => {
    expect(lineState(ask("b", "pending"), lines, undefined)).toEqual({ kind: "waiting", ahead: 1 });
    expect(lineState(ask("c", "pending"), lines, undefined)).toEqual({ kind: "waiting", ahead: 2 });
    expect(lineState(ask("z", "pending"), lines, undefined)).toEqual({ kind: "waiting", ahead: null });
    expect(lineState(ask("b", "pending"), new Map(), undefined)).toEqual({ kind: "waiting", ahead: null });
  });

  it("claimed: thinking until text comes, then writing; nothing once answered", () => {
    expect(lineState(ask("a", "processing"), lines, undefined)).toEqual({ kind: "thinking" });
    expect(lineState(ask("a", "processing"), lines, { text: "", phase: "thinking" })).toEqual({ kind: "thinking" });
    expect(lineState(ask("a", "processing"), lines, { text: "Hel" })).toEqual({ kind: "writing" });
    expect(lineState(ask("a", "complete"), lines, { text: "Hello" })).toBeNull();
  });
});
