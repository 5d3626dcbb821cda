import { describe, expect, it } from "vitest";
import { RateBuckets } from "./rate-buckets";

describe("RateBuckets (fake time)", () => {
  it("allows perMinute posts at once, then says how many seconds until the next", () => {
    const buckets = new RateBuckets();
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(buckets.take("ip", 3, t0)).toBe(0);
    // One token refills every 20 s at 3 a minute.
    expect(buckets.take("ip", 3, t0)).toBe(20);
    expect(buckets.take("ip", 3, t0 + 10_000)).toBe(10);
    expect(buckets.take("ip", 3, t0 + 20_000)).toBe(0);
  });

  it("keeps clients apart and refills to capacity, never beyond", () => {
    const buckets = new RateBuckets();
    const t0 = 5_000;
    expect(buckets.take("a", 1, t0)).toBe(0);
    expect(buckets.take("b", 1, t0)).toBe(0);
    expect(buckets.take("a", 1, t0)).toBeGreaterThan(0);
    // An hour idle still leaves one token at capacity 1.
    expect(buckets.take("b", 1, t0 + 3_600_000)).toBe(0);
    expect(buckets.take("b", 1, t0 + 3_600_000)).toBe(60);
  });
});
