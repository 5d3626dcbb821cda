import { describe, expect, it } from "vitest";
// @ts-expect-error Vite's `?raw` import (the file's text); this test runs in vitest only.
import wranglerBenchToml from "../wrangler.bench.toml?raw";
// @ts-expect-error As above.
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
      FRAME_ANCESTORS: "'none'",
      BOT_TOKEN: undefined,
      ADMIN_TOKEN: undefined,
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

  it.each([
    ["wrangler.toml", wranglerToml as string],
    ["wrangler.bench.toml", wranglerBenchToml as string],
  ])("%s repeats no default: a var it sets is one config() reads, set to something else", (_, toml) => {
    const defaults = config({});
    for (const [name, value] of Object.entries(varsOf(toml))) {
      expect(Object.keys(defaults), `${name} is read by config()`).toContain(name);
      expect(config({ [name]: value })[name as keyof typeof defaults], `${name} = "${value}"`).not.toEqual(
        defaults[name as keyof typeof defaults],
      );
    }
  });

  it("wrangler.toml's flood guard: its period is POST_FLOOD_PERIOD, and its limit stays well above the in-room one", () => {
    const toml = wranglerToml as string;
    const binding = /\[\[ratelimits\]\]\s*name = "POST_FLOOD"[^[]*?simple = \{ limit = (\d+), period = (\d+) \}/.exec(
      toml,
    );
    const vars = varsOf(toml);
    expect(binding, "a [[ratelimits]] POST_FLOOD block with simple = { limit, period }").not.toBeNull();
    const [limit, period] = [Number(binding![1]), Number(binding![2])];
    const c = config({
      POST_FLOOD_PERIOD: vars.POST_FLOOD_PERIOD,
      RATE_LIMIT_PER_MINUTE: vars.RATE_LIMIT_PER_MINUTE,
    });
    expect(c.POST_FLOOD_PERIOD).toBe(period);
    // A person posting in one room meets the exact in-room bucket long before the coarse guard.
    expect((limit * 60) / period).toBeGreaterThanOrEqual(5 * c.RATE_LIMIT_PER_MINUTE);
  });
});

/** The `NAME = "value"` lines of a wrangler config's `[vars]` table (none when it has no such table). */
function varsOf(toml: string): Record<string, string> {
  const table = /^\[vars\]\n((?:[^[].*\n|\n)*)/m.exec(toml)?.[1] ?? "";
  return Object.fromEntries([...table.matchAll(/^([A-Z_]+) = "(.*)"$/gm)].map((m) => [m[1]!, m[2]!]));
}
