import { describe, expect, it } from "vitest";
import { safeHref, tokenize, wordAt } from "./text-tokens";

describe("tokenize (C1, F2)", () => {
  it("splits words, links and the rest, losing no character", () => {
    const text = "see https://example.com/a?b=1, (and <b>this</b>) 👋";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.value).join("")).toBe(text);
    expect(tokens.filter((t) => t.kind === "link")).toEqual([
      { kind: "link", value: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
    ]);
    expect(tokens.filter((t) => t.kind === "word").map((t) => t.value)).toEqual(["see", "and", "b", "this", "b"]);
  });

  it("keeps a closing parenthesis that belongs to the URL", () => {
    const [link] = tokenize("https://en.wikipedia.org/wiki/Foo_(bar)").filter((t) => t.kind === "link");
    expect(link?.value).toBe("https://en.wikipedia.org/wiki/Foo_(bar)");
  });

  it("never links anything but http(s)", () => {
    expect(tokenize("javascript:alert(1) data:text/html,x").some((t) => t.kind === "link")).toBe(false);
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("http://ok.example/")).toBe("http://ok.example/");
  });
});

describe("wordAt (F2)", () => {
  it("finds the word under a caret offset, or nothing between words", () => {
    const text = "deploy went, fine";
    expect(wordAt(text, 0)).toBe("deploy");
    expect(wordAt(text, 3)).toBe("deploy");
    expect(wordAt(text, 6)).toBe("deploy");
    expect(wordAt(text, 8)).toBe("went");
    expect(wordAt(text, 12)).toBeNull();
    expect(wordAt(text, 13)).toBe("fine");
    expect(wordAt("", 0)).toBeNull();
  });
});

describe("mentions in message text (E7)", () => {
  const echo = { entity: "e2e-echo", username: "Echo", color: "120200150", addressed: true };
  const wren = { entity: "wren", username: "Wren", addressed: false };

  it("finds @Username and @id of resolved mentions, case-insensitively at a word boundary, losing no character", () => {
    const text = "@echo and @WREN, also @e2e-echo. not mail@Echo nor @Echoes";
    const tokens = tokenize(text, [echo, wren]);
    expect(tokens.map((t) => t.value).join("")).toBe(text);
    expect(
      tokens.filter((t) => t.kind === "mention").map((t) => [t.value, t.kind === "mention" && t.mention.entity]),
    ).toEqual([
      ["@echo", "e2e-echo"],
      ["@WREN", "wren"],
      ["@e2e-echo", "e2e-echo"],
    ]);
  });

  it("leaves names the room did not resolve, and links, as they were", () => {
    const tokens = tokenize("@Sage see https://x.example/@Echo", [echo]);
    expect(tokens.some((t) => t.kind === "mention")).toBe(false);
    expect(tokens.filter((t) => t.kind === "link")).toHaveLength(1);
  });
});
