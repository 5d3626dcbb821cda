import { describe, expect, it } from "vitest";
import { ResumeBudget } from "./resume-budget";

describe("ResumeBudget (time passed in)", () => {
  it("starts full, runs dry as rows are read, refills over time up to the burst, per key", () => {
    const budget = new ResumeBudget(1_000, 600);
    expect(budget.available("a", 0)).toBe(1_000);
    budget.spend("a", 700, 0);
    budget.spend("a", 401, 0);
    expect(budget.available("a", 0)).toBe(-101);
    expect(budget.available("b", 0)).toBe(1_000);
    // 600 a minute: 10 s brings 100 rows back.
    expect(budget.available("a", 10_000)).toBeCloseTo(-1, 6);
    expect(budget.available("a", 20_000)).toBeCloseTo(99, 6);
    expect(budget.available("a", 10 * 60_000)).toBe(1_000);
  });
});
