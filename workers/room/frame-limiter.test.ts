import { describe, expect, it } from "vitest";
import { FrameLimiter } from "./frame-limiter";

describe("FrameLimiter (fake time)", () => {
  it("allows a burst, then the sustained rate, per socket", () => {
    const limiter = new FrameLimiter(10, 30);
    const t0 = 1_000_000;
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (limiter.take("a", t0)) allowed++;
    expect(allowed).toBe(30);
    // Another socket has its own bucket.
    expect(limiter.take("b", t0)).toBe(true);
    // One second later ten more frames are allowed, not eleven.
    let later = 0;
    for (let i = 0; i < 20; i++) if (limiter.take("a", t0 + 1_000)) later++;
    expect(later).toBe(10);
  });

  it("a client that keeps to the rate is never refused", () => {
    const limiter = new FrameLimiter(10, 30);
    for (let i = 0; i < 1_000; i++) expect(limiter.take("steady", i * 100)).toBe(true);
  });
});
