import { describe, expect, it } from "vitest";
import { parseUserFilters } from "./api.ts";

describe("parseUserFilters (the u= parameter)", () => {
  it("reads name:color pairs joined by + or by the space a decoded + becomes", () => {
    expect(parseUserFilters("Alice:200100050+Bob:050100200")).toEqual([
      { username: "Alice", color: "200100050" },
      { username: "Bob", color: "050100200" },
    ]);
    expect(parseUserFilters("Alice:200100050 Bob:050100200-AbCdEfGhIj")).toEqual([
      { username: "Alice", color: "200100050" },
      { username: "Bob", color: "050100200-AbCdEfGhIj" },
    ]);
  });

  it("keeps names with symbols, including + and :, whole", () => {
    expect(parseUserFilters("a+b:200100050+c:d:001002003")).toEqual([
      { username: "a+b", color: "200100050" },
      { username: "c:d", color: "001002003" },
    ]);
  });

  it("ignores malformed input", () => {
    expect(parseUserFilters(undefined)).toEqual([]);
    expect(parseUserFilters("")).toEqual([]);
    expect(parseUserFilters("nocolor")).toEqual([]);
    expect(parseUserFilters("Alice:red")).toEqual([]);
  });
});
