import { describe, expect, it } from "vitest";
import { LIVE } from "../../types";
import { TypingSender, typingLine } from "./typing";

const ANN = { username: "Ann", color: "255100100" };
const BEN = { username: "Ben", color: "100255100" };

describe("TypingSender", () => {
  it("sends once on the first key, then at most once per refresh interval however fast the keys come", () => {
    const s = new TypingSender();
    const sent = [];
    for (let t = 0; t < 10_000; t += 50) {
      const frame = s.input("x".repeat(t / 50 + 1), ANN, t);
      if (frame) sent.push([t, frame.typing]);
    }
    expect(sent).toEqual([
      [0, true],
      [LIVE.typingRefreshMs, true],
      [LIVE.typingRefreshMs * 2, true],
      [LIVE.typingRefreshMs * 3, true],
    ]);
  });

  it("says stop once when the box is sent or cleared, and nothing for an empty box it never announced", () => {
    const s = new TypingSender();
    expect(s.input("", ANN, 0)).toBeNull();
    expect(s.input("hi", ANN, 10)?.typing).toBe(true);
    expect(s.stop(ANN)?.typing).toBe(false);
    expect(s.stop(ANN)).toBeNull();
    // Typing again right after a send announces at once.
    expect(s.input("n", ANN, 20)?.typing).toBe(true);
    expect(s.input("  ", ANN, 30)?.typing).toBe(false);
  });
});

describe("typingLine", () => {
  it("never shows my own user; names up to three, a count past that", () => {
    expect(typingLine({ typing: [ANN], typingCount: 1 }, ANN)).toEqual({ names: [], count: 0 });
    // Same name, other color: someone else.
    expect(typingLine({ typing: [{ ...ANN, color: "1" }], typingCount: 1 }, ANN).count).toBe(1);
    expect(typingLine({ typing: [ANN, BEN], typingCount: 2 }, ANN)).toEqual({ names: [BEN], count: 1 });
    const three = [ANN, BEN, { username: "Cy", color: "1" }];
    expect(typingLine({ typing: three, typingCount: 3 }).names).toHaveLength(3);
    expect(typingLine({ typing: three, typingCount: 4 })).toEqual({ names: [], count: 4 });
    // I am among four: the other three are named.
    expect(typingLine({ typing: three, typingCount: 4 }, ANN)).toEqual({ names: three.slice(1), count: 3 });
  });
});
