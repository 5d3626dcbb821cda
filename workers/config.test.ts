import { describe, expect, it } from "vitest";
// @ts-expect-error Vite's `?raw` import (the file's text); this test runs in vitest only.
import wranglerToml from "../wrangler.toml?raw";
import { config } from "./config";

describe("config", () => {
  it("reads vars into typed options, with one set of defaults for what is unset or empty", () => {
    expect(config({})).toEqual({
      RATE_LIMIT_PER_MINUTE: 30,
      POST_FLOOD_PERIOD: 60,
      POST_FLOOD_GUARD: true,
      MAX_ATTEMPTS: 3,
      HOT_MESSAGES: 1_000_000,
      ARCHIVE_SEGMENT_SIZE: 1000,
      ALLOWED_ORIGINS: [],
    });
    const c = config({
      RATE_LIMIT_PER_MINUTE: "5",
      MAX_ATTEMPTS: "",
      ALLOWED_ORIGINS: "https://a.example, https://b.example",
    });
    expect(c).toMatchObject({ RATE_LIMIT_PER_MINUTE: 5, MAX_ATTEMPTS: 3 });
    expect(c.ALLOWED_ORIGINS).toEqual(["https://a.example", "https://b.example"]);
  });

  it("a value that does not parse fails loudly with its name, instead of becoming a default", () => {
    expect(() => config({ MAX_ATTEMPTS: "three" })).toThrow(/MAX_ATTEMPTS/);
    expect(() => config({ RATE_LIMIT_PER_MINUTE: "0" })).toThrow(/RATE_LIMIT_PER_MINUTE/);
    expect(() => config({ POST_FLOOD_PERIOD: "30" })).toThrow(/POST_FLOOD_PERIOD/);
  });

  it("wrangler.toml's flood guard: its period is POST_FLOOD_PERIOD, and its limit stays well above the in-room one", () => {
    const toml = wranglerToml as string;
    const binding = /\[\[ratelimits\]\]\s*name = "POST_FLOOD"[^[]*?simple = \{ limit = (\d+), period = (\d+) \}/.exec(
      toml,
    );
    const vars = (name: string) => new RegExp(`^${name} = "(\\d+)"$`, "m").exec(toml)?.[1];
    expect(binding, "a [[ratelimits]] POST_FLOOD block with simple = { limit, period }").not.toBeNull();
    const [limit, period] = [Number(binding![1]), Number(binding![2])];
    const c = config({
      POST_FLOOD_PERIOD: vars("POST_FLOOD_PERIOD"),
      RATE_LIMIT_PER_MINUTE: vars("RATE_LIMIT_PER_MINUTE"),
    });
    expect(c.POST_FLOOD_PERIOD).toBe(period);
    // A person posting in one room meets the exact in-room bucket long before the coarse guard.
    expect((limit * 60) / period).toBeGreaterThanOrEqual(5 * c.RATE_LIMIT_PER_MINUTE);
  });
});
