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

  it("names each pair once, in first-seen order: a repeat selects nothing more", () => {
    const repeated = Array.from({ length: 142 }, () => "a:200100050").join("+");
    expect(parseUserFilters(`${repeated}+b:050100200 a:200100050`)).toEqual([
      { username: "a", color: "200100050" },
      { username: "b", color: "050100200" },
    ]);
    // Same name, other color: another person.
    expect(parseUserFilters("a:200100050+a:050100200")).toHaveLength(2);
  });
});
