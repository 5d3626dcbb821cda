import { describe, expect, it } from "vitest";
import { entityPresence, isServed } from "./presence";

describe("entity presence (C9, E5)", () => {
  it("is served when a bot polled within a minute", () => {
    expect(isServed({ id: "a", lastPolledAt: 1_000 }, 61_000)).toBe(true);
    expect(isServed({ id: "a", lastPolledAt: 1_000 }, 61_001)).toBe(false);
    expect(isServed(undefined, 0)).toBe(false);
  });

  it("lists served entities first and includes the addressed one", () => {
    const list = entityPresence(
      [
        { id: "old", lastPolledAt: 0 },
        { id: "live", lastPolledAt: 100_000 },
      ],
      "ghost",
      120_000,
    );
    expect(list.map((e) => [e.id, e.served])).toEqual([
      ["live", true],
      ["ghost", false],
      ["old", false],
    ]);
  });
});
