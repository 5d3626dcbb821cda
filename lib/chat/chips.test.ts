import { describe, expect, it } from "vitest";
import { msg } from "../../tests/fixtures/messages";
import { chipsMatching, chipsOf } from "./chips";
import { parseSoundSettings, shouldPlay } from "./sounds";

describe("chip notifications (N1)", () => {
  const chips = chipsOf({
    users: [{ username: "Alice", color: "200100050" }],
    words: ["deploy"],
    negativeWords: ["spam"],
  });

  it("matches user and word chips, never negative ones", () => {
    expect(chipsMatching(msg(1, { text: "deploy spam" }), chips).map((c) => c.key)).toEqual([
      "u:Alice:200100050",
      "w:deploy",
    ]);
    expect(chipsMatching(msg(2, { username: "Bob", text: "nothing" }), chips)).toEqual([]);
  });

  it("plays at most once a second", () => {
    expect(shouldPlay(null, 0)).toBe(true);
    expect(shouldPlay(1_000, 1_999)).toBe(false);
    expect(shouldPlay(1_000, 2_000)).toBe(true);
  });

  it("restores stored settings and drops unknown values", () => {
    expect(parseSoundSettings('{"w:deploy":"chime","u:x":"kazoo","z":3}')).toEqual({ "w:deploy": "chime" });
    expect(parseSoundSettings("not json")).toEqual({});
    expect(parseSoundSettings("[1]")).toEqual({});
    // Stored keys named like what every object has are kept as keys and reach no prototype.
    const odd = parseSoundSettings('{"__proto__":"chime","constructor":"bell","u:x":"kazoo"}');
    expect(Object.keys(odd).sort()).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(odd, "__proto__")?.value).toBe("chime");
    expect([odd.constructor, odd.toString]).toEqual(["bell", undefined]);
  });
});
