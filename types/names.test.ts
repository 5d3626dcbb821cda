import { describe, expect, it } from "vitest";
import { aiUsernameSchema, LIMITS, messageInputSchema, usernameSchema } from "./index.ts";
import { nameLength, nameProblem, normalizeName } from "./names.ts";

const refusal = (name: string, schema = usernameSchema) => {
  const parsed = schema.safeParse(name);
  return parsed.success ? null : parsed.error.issues[0]?.message;
};

describe("nameProblem (what a displayed name may contain)", () => {
  it("accepts ordinary names, accents, other scripts, symbols and emoji", () => {
    for (const name of [
      "alice",
      "Ünïcødé",
      "José",
      "名前",
      "Αθηνά",
      "a+b:c",
      "o'neil",
      "❤️",
      "👩‍💻",
      "1️⃣",
      "👍🏽",
      "☺︎",
    ]) {
      expect(nameProblem(name), name).toBeNull();
    }
  });

  it("refuses zero-width characters, naming the code point", () => {
    expect(nameProblem("troll\u200B")).toBe("username cannot contain invisible characters (U+200B)");
    expect(nameProblem("tr\u200Coll")).toBe("username cannot contain invisible characters (U+200C)");
    expect(nameProblem("a\u200Db")).toBe("username cannot contain invisible characters (U+200D)");
    expect(nameProblem("\u2060x")).toBe("username cannot contain invisible characters (U+2060)");
    expect(nameProblem("x\uFEFF")).toBe("username cannot contain invisible characters (U+FEFF)");
  });

  it("refuses fillers that render blank", () => {
    for (const cp of [0x3164, 0x2800, 0x115f, 0x1160, 0xffa0, 0x034f, 0x00ad, 0x180e]) {
      const label = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
      expect(nameProblem(`a${String.fromCodePoint(cp)}`)).toBe(
        `username cannot contain invisible characters (${label})`,
      );
      // A name made of nothing but a filler is the sharpest case: it looks like no name at all.
      expect(nameProblem(String.fromCodePoint(cp))).not.toBeNull();
    }
  });

  it("refuses variation selectors and tags outside emoji", () => {
    expect(nameProblem("a\uFE0F")).toBe("username cannot contain invisible characters (U+FE0F)");
    expect(nameProblem("a\uFE01")).toBe("username cannot contain invisible characters (U+FE01)");
    expect(nameProblem("a\u{E0100}")).toBe("username cannot contain invisible characters (U+E0100)");
    expect(nameProblem("a\u{E0041}")).toBe("username cannot contain invisible characters (U+E0041)");
    // A joiner with a pictograph on one side only is not part of any emoji.
    expect(nameProblem("👩\u200D")).toBe("username cannot contain invisible characters (U+200D)");
    expect(nameProblem("a\u200D👩")).toBe("username cannot contain invisible characters (U+200D)");
  });

  it("refuses text-direction controls", () => {
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]) {
      const label = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
      expect(nameProblem(`ab${String.fromCodePoint(cp)}c`)).toBe(
        `username cannot contain text-direction controls (${label})`,
      );
    }
  });

  it("refuses control and other format characters", () => {
    expect(nameProblem("a\u0007")).toBe("username cannot contain control characters (U+0007)");
    expect(nameProblem("a\u007F")).toBe("username cannot contain control characters (U+007F)");
    expect(nameProblem("a\u0085")).toBe("username cannot contain control characters (U+0085)");
    expect(nameProblem("a\u0600")).toBe("username cannot contain control characters (U+0600)");
    expect(nameProblem("a\u{1BCA0}")).toBe("username cannot contain control characters (U+1BCA0)");
  });

  it("refuses lone surrogates, high or low", () => {
    expect(nameProblem("a\uD800")).toBe("username cannot contain a lone surrogate (U+D800)");
    expect(nameProblem("\uDC00a")).toBe("username cannot contain a lone surrogate (U+DC00)");
  });

  it("refuses whitespace of every kind with the message it always had", () => {
    for (const name of ["a b", "a\tb", "a\nb", "a\u00A0b", "a\u3000b", "a\u2003b", "a\u2028b"]) {
      expect(nameProblem(name), JSON.stringify(name)).toBe("username cannot contain whitespace");
    }
  });

  it("reports the first offending code point", () => {
    expect(nameProblem("a\u202E\u200B")).toBe("username cannot contain text-direction controls (U+202E)");
  });
});

describe("the username schemas", () => {
  it("store the NFC form, so a decomposed é and a composed é are one name", () => {
    expect(usernameSchema.parse("Jose\u0301")).toBe("José");
    expect(usernameSchema.parse("Jose\u0301")).toBe(usernameSchema.parse("Jos\u00E9"));
    expect(aiUsernameSchema.parse("Ame\u0301lie")).toBe(normalizeName("Amélie"));
  });

  it("count the length after normalizing, in code points", () => {
    // 16 decomposed é are 32 code points, but 16 once composed: within a person's 16.
    expect(usernameSchema.safeParse("e\u0301".repeat(LIMITS.usernameMax)).success).toBe(true);
    expect(refusal("é".repeat(LIMITS.usernameMax + 1))).toBe("a person's username is at most 16 characters");
    // An astral emoji is one code point (two UTF-16 units).
    expect(usernameSchema.safeParse("😀".repeat(LIMITS.usernameMax)).success).toBe(true);
    expect(usernameSchema.safeParse("😀".repeat(LIMITS.usernameMax + 1)).success).toBe(false);
    expect(nameLength("😀é")).toBe(2);
  });

  it("refuse with the rule's message, for people and entities", () => {
    expect(refusal("troll\u200B")).toBe("username cannot contain invisible characters (U+200B)");
    expect(refusal("Sage\u202E", aiUsernameSchema)).toBe("username cannot contain text-direction controls (U+202E)");
  });

  it("normalize a posted message's username and apply a person's limit to the normalized form", () => {
    const post = { text: "hi", color: "255000000", username: "e\u0301".repeat(LIMITS.usernameMax) };
    const parsed = messageInputSchema.safeParse(post);
    expect(parsed.success && parsed.data.username).toBe("é".repeat(LIMITS.usernameMax));
    // A person's limit counts the same code points the schema does, emoji included.
    const emoji = messageInputSchema.safeParse({ ...post, username: "😀".repeat(LIMITS.usernameMax) });
    expect(emoji.success).toBe(true);
    const tooLong = messageInputSchema.safeParse({ ...post, username: "😀".repeat(LIMITS.usernameMax + 1) });
    expect(tooLong.success).toBe(false);
    const bad = messageInputSchema.safeParse({ ...post, username: "alice\u2066" });
    expect(bad.success ? null : bad.error.issues[0]?.message).toBe(
      "username cannot contain text-direction controls (U+2066)",
    );
  });
});
