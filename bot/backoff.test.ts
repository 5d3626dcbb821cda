import { describe, expect, it } from "vitest";
import { backoffDelay, sleep } from "./backoff.ts";

const policy = { baseMs: 500, maxMs: 8_000 };

describe("backoffDelay", () => {
  it("doubles per attempt between half and the whole step", () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(250);
    expect(backoffDelay(0, policy, () => 1)).toBe(500);
    expect(backoffDelay(3, policy, () => 0)).toBe(2_000);
    expect(backoffDelay(3, policy, () => 1)).toBe(4_000);
  });

  it("never exceeds the cap however many attempts failed", () => {
    expect(backoffDelay(50, policy, () => 1)).toBe(8_000);
    expect(backoffDelay(50, policy, () => 0)).toBe(4_000);
  });

  it("spreads retries of different bots apart (jitter)", () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4, policy)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe("sleep", () => {
  it("ends early when its signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(5_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
