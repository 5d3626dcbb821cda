import { describe, expect, it } from "vitest";
import type { Mention } from "../../types";
import type { EntityPresence } from "../shared/presence";
import { insertMention, mentionAt, mentionLabel, mentionOptions, pausedText, unaddressedReason } from "./mentions";

const at = (text: string, caret = text.length) => mentionAt(text, caret);

describe("mentionAt: the @name being typed at the caret (E7)", () => {
  it("opens on @ at the start of the text or after a space, with what follows up to the caret", () => {
    expect(at("@")).toEqual({ start: 0, end: 1, query: "" });
    expect(at("hi @Sa")).toEqual({ start: 3, end: 6, query: "Sa" });
    expect(at("(@e2e-echo")).toEqual({ start: 1, end: 10, query: "e2e-echo" });
  });

  it("does not open inside a word, an e-mail address or a double @", () => {
    expect(at("mail@host")).toBeNull();
    expect(at("@@x")).toBeNull();
    expect(at("hello")).toBeNull();
  });

  it("closes once the name ends (a space or punctuation after it) and before the @", () => {
    expect(at("@Sage ")).toBeNull();
    expect(at("@Sage, hi")).toBeNull();
    expect(mentionAt("hi @Sage", 3)).toBeNull();
  });

  it("covers the rest of the name when the caret is inside it", () => {
    expect(mentionAt("@Sage hi", 3)).toEqual({ start: 0, end: 5, query: "Sa" });
  });
});

const entities: EntityPresence[] = [
  { id: "wren", served: false, lastPolledAt: null, username: "Wren", color: "200160230" },
  { id: "sage", served: true, lastPolledAt: 1, username: "Sage", color: "120200150" },
  { id: "e2e-echo", served: true, lastPolledAt: 1, username: "Echo", color: "120200150" },
  { id: "bare", served: false, lastPolledAt: null },
];

describe("mentionOptions: which entities to offer, in what order", () => {
  it("offers every entity for a bare @, online ones first, then by name", () => {
    expect(mentionOptions(entities, "").map((o) => [o.insert, o.served])).toEqual([
      ["Echo", true],
      ["Sage", true],
      ["bare", false],
      ["Wren", false],
    ]);
  });

  it("filters by the start of the username or id, case-insensitively, then by containing it", () => {
    expect(mentionOptions(entities, "e").map((o) => o.id)).toEqual(["e2e-echo", "sage", "bare", "wren"]);
    expect(mentionOptions(entities, "WR").map((o) => o.id)).toEqual(["wren"]);
    expect(mentionOptions(entities, "2e-ec").map((o) => o.id)).toEqual(["e2e-echo"]);
    expect(mentionOptions(entities, "zzz")).toEqual([]);
  });

  it("keeps the list short", () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, served: true, lastPolledAt: 1 }));
    expect(mentionOptions(many, "", 8)).toHaveLength(8);
  });

  it("inserts the username the room can match, else the id", () => {
    expect(mentionLabel({ id: "e2e-echo", username: "Echo" })).toBe("Echo");
    expect(mentionLabel({ id: "x", username: "Bot!" })).toBe("x");
    expect(mentionLabel({ id: "x" })).toBe("x");
  });
});

describe("insertMention", () => {
  it("replaces what was typed after @ with the name and a space, caret after it", () => {
    const text = "hi @ec";
    const q = mentionAt(text, text.length);
    expect(q && insertMention(text, q, "Echo")).toEqual({ text: "hi @Echo ", caret: 9 });
  });

  it("replaces the whole name when the caret is inside it and reuses a following space", () => {
    const text = "@Ec and more";
    const q = mentionAt("@Ec and more", 2);
    expect(q && insertMention(text, q, "Echo")).toEqual({ text: "@Echo and more", caret: 6 });
  });

  it("refuses an insertion that would not fit the composer", () => {
    const text = `${"x".repeat(235)} @e`;
    const q = mentionAt(text, text.length);
    expect(q && insertMention(text, q, "Echo", 240)).toBeNull();
  });
});

describe("why a mention asked nobody", () => {
  const mention = (username: string, addressed: boolean): Mention => ({
    entity: username.toLowerCase(),
    username,
    addressed,
  });

  it("says nothing for an addressed mention", () => {
    const m = mention("Sage", true);
    expect(unaddressedReason({ username: "Me", mentions: [m] }, m)).toBeNull();
  });

  it("names a paused scene, a self-mention, or the limit of three", () => {
    const paused = mention("Wren", false);
    expect(
      unaddressedReason({ username: "Sage", mentions: [paused], scene: { depth: 4, paused: "turn_budget" } }, paused),
    ).toBe("Wren was not asked to answer: scene paused: turn budget reached, say something to continue");
    const self = mention("Sage", false);
    expect(unaddressedReason({ username: "Sage", mentions: [self] }, self)).toBe(
      "Sage mentioned itself, which asks nobody",
    );
    const four = ["A", "B", "C", "D"].map((n, i) => mention(n, i < 3));
    expect(unaddressedReason({ username: "Me", mentions: four }, four[3] as Mention)).toBe(
      "Only the first 3 mentions ask their entities to answer",
    );
  });

  it("has a note for every pause reason", () => {
    expect(pausedText("hourly_cap")).toBe("scene paused: this room's hourly AI turns are used up");
    expect(pausedText("scenes_off")).toBe("scenes are off in this room");
  });
});
