import { describe, expect, it } from "vitest";
import { config } from "./config";

describe("config", () => {
  it("reads vars into typed options, with one set of defaults for what is unset or empty", () => {
    expect(config({})).toEqual({
      RATE_LIMIT_PER_MINUTE: 30,
      MAX_ATTEMPTS: 3,
      HOT_MESSAGES: 1_000_000,
      ARCHIVE_SEGMENT_SIZE: 1000,
      BENCH_ROUTES: false,
      ALLOWED_ORIGINS: [],
    });
    const c = config({
      RATE_LIMIT_PER_MINUTE: "5",
      MAX_ATTEMPTS: "",
      BENCH_ROUTES: "1",
      ALLOWED_ORIGINS: "https://a.example, https://b.example",
    });
    expect(c).toMatchObject({ RATE_LIMIT_PER_MINUTE: 5, MAX_ATTEMPTS: 3, BENCH_ROUTES: true });
    expect(c.ALLOWED_ORIGINS).toEqual(["https://a.example", "https://b.example"]);
  });

  it("a value that does not parse fails loudly with its name, instead of becoming a default", () => {
    expect(() => config({ MAX_ATTEMPTS: "three" })).toThrow(/MAX_ATTEMPTS/);
    expect(() => config({ RATE_LIMIT_PER_MINUTE: "0" })).toThrow(/RATE_LIMIT_PER_MINUTE/);
  });
});
