import { describe, expect, it } from "vitest";
import { inRanges, normalizeRanges, parseRange, rangesLabel, rangesOf, readLabel, readRanges } from "./seq-filter";

describe("seq ranges: what an entity read (E9)", () => {
  it("turns listed seqs into the fewest ranges, dropping duplicates and nonsense", () => {
    expect(rangesOf([155, 140, 141, 142, 150, 142, 0, -3])).toEqual([
      [140, 142],
      [150, 150],
      [155, 155],
    ]);
  });

  it("prefers the exact list of seqs over the range, and uses first/last without one", () => {
    expect(readRanges({ scope: "thread", count: 3, seqs: [3, 9, 4], first: 3, last: 9 })).toEqual([
      [3, 4],
      [9, 9],
    ]);
    expect(readRanges({ scope: "room", count: 16, first: 140, last: 155 })).toEqual([[140, 155]]);
    expect(readRanges({ scope: "room", count: 0 })).toBeNull();
  });

  it("matches exactly the seqs inside the ranges", () => {
    const ranges = rangesOf([140, 141, 150]);
    expect([139, 140, 141, 142, 150, 151].filter((s) => inRanges(s, ranges))).toEqual([140, 141, 150]);
  });

  it("merges overlapping ranges from a URL in any order", () => {
    expect(
      normalizeRanges([
        [10, 12],
        [1, 3],
        [4, 5],
        [11, 20],
      ]),
    ).toEqual([
      [1, 5],
      [10, 20],
    ]);
  });

  it("parses only positive seqs and ascending ranges", () => {
    expect(parseRange("140-155")).toEqual([140, 155]);
    expect(parseRange("7")).toEqual([7, 7]);
    for (const bad of ["0", "155-140", "-3", "1-", "a", "1.5", "99999999999999999"]) expect(parseRange(bad)).toBeNull();
  });

  it("labels the menu item and the chip", () => {
    expect(readLabel("Sage", { scope: "room", count: 12, first: 140, last: 155 })).toBe(
      "Sage read 12 messages, #140–#155",
    );
    expect(readLabel("Sage", { scope: "thread", count: 1, seqs: [7] })).toBe("Sage read 1 message, #7");
    expect(readLabel("Sage", { scope: "thread", count: 0 })).toBe("Sage read 0 messages");
    expect(rangesLabel(rangesOf([140, 141, 150]))).toBe("#140–#141, #150");
    expect(rangesLabel(rangesOf([1, 3, 5]))).toBe("3 ranges, #1–#5");
  });
});
