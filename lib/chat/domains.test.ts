import { describe, expect, it } from "vitest";
import { DEFAULT_TITLE, titleForDomain } from "./domains";

describe("titleForDomain (F8)", () => {
  it("names known hosts, with or without a port, and gives any other host the product name", () => {
    expect(titleForDomain("WWW.SayWhatWant.app:443")).toBe("Say What Want");
    expect(titleForDomain("localhost:3000")).toBe(DEFAULT_TITLE);
  });

  it("gives hosts named like what every object has the product name, not an inherited value", () => {
    for (const host of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      expect(titleForDomain(host)).toBe(DEFAULT_TITLE);
    }
  });
});
