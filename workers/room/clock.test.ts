import { describe, expect, it } from "vitest";
import { RoomClock } from "./clock";

describe("RoomClock", () => {
  it("moves only forward by advance(), and stands still once frozen", async () => {
    const clock = new RoomClock();
    expect(() => clock.advance(-1)).toThrow(/only moves forward/);
    clock.freeze();
    const frozen = clock.now();
    // workerd's clock moves across I/O, so wait on a timer for the system time to move on.
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(frozen);
    clock.advance(5_000);
    expect(clock.now()).toBe(frozen + 5_000);
  });
});
