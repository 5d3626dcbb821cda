import { describe, expect, it } from "vitest";
import { draftText, draftView, postprocess, THINKING } from "./postprocess.ts";

const none = { filterOut: [], trimAfter: [] };

describe("postprocess", () => {
  it("trims whitespace around a plain reply", () => {
    expect(postprocess("  Hello there.\n", none)).toEqual({ kind: "reply", text: "Hello there." });
  });

  it("removes every filterOut phrase", () => {
    const rules = { filterOut: ["<|im_end|>", "As an AI, "], trimAfter: [] };
    expect(postprocess("As an AI, I think<|im_end|> so.<|im_end|>", rules)).toEqual({
      kind: "reply",
      text: "I think so.",
    });
  });

  it("cuts at the earliest trimAfter phrase, whichever is listed first", () => {
    const rules = { filterOut: [], trimAfter: ["\nUser:", "\n###"] };
    expect(postprocess("Sure thing.\n### notes\nUser: more", rules)).toEqual({ kind: "reply", text: "Sure thing." });
  });

  it("filters before cutting, so a filtered phrase cannot hide a cut point", () => {
    const rules = { filterOut: ["<x>"], trimAfter: ["STOP"] };
    expect(postprocess("keep ST<x>OP drop", rules)).toEqual({ kind: "reply", text: "keep" });
  });

  it("recognises [SKIP] as a decision to stay silent", () => {
    expect(postprocess("  [SKIP] \n", none)).toEqual({ kind: "skip" });
    expect(postprocess("[skip]", none)).toEqual({ kind: "skip" });
  });

  it("reports an empty reply, including one that becomes empty after the rules", () => {
    expect(postprocess("", none)).toEqual({ kind: "empty" });
    expect(postprocess(" \n ", none)).toEqual({ kind: "empty" });
    expect(postprocess("User: hi", { filterOut: [], trimAfter: ["User:"] })).toEqual({ kind: "empty" });
  });

  it("shortens a reply longer than the API accepts, marking the cut", () => {
    const result = postprocess("word ".repeat(400), none, 1000);
    expect(result.kind).toBe("reply");
    const text = result.kind === "reply" ? result.text : "";
    expect(Array.from(text).length).toBeLessThanOrEqual(1000);
    expect(text.endsWith("…")).toBe(true);
  });
});

describe("draftText", () => {
  const rules = { filterOut: ["<|im_end|>"], trimAfter: ["\nUser:"] };

  it("every draft of a stream is text the final reply contains, token by token", () => {
    const raw = "Hello<|im_end|> there, friend.\nUser: ignore this";
    const final = postprocess(raw, rules);
    expect(final).toEqual({ kind: "reply", text: "Hello there, friend." });
    const shown: string[] = [];
    for (let i = 1; i <= raw.length; i++) {
      const draft = draftText(raw.slice(0, i), rules);
      if (draft !== null) shown.push(draft);
    }
    expect(shown.length).toBeGreaterThan(5);
    for (const draft of shown) expect(final.kind === "reply" && final.text.startsWith(draft)).toBe(true);
    // The start of a filtered phrase never shows, even before the rest of it arrives.
    expect(shown.some((d) => d.includes("<"))).toBe(false);
    expect(shown.some((d) => d.includes("User"))).toBe(false);
  });

  it("holds back a tail that may become a phrase, and shows it once it cannot", () => {
    expect(draftText("Hi <|im", rules)).toBe("Hi");
    expect(draftText("Hi <3", rules)).toBe("Hi <3");
    expect(draftText("Done.\nUs", rules)).toBe("Done.");
  });

  it("shows nothing that could still be the skip marker, or nothing at all", () => {
    expect(draftText("[SK", none)).toBeNull();
    expect(draftText("[SKIP]", none)).toBeNull();
    expect(draftText("[SKIPPED a step]", none)).toBe("[SKIPPED a step]");
    expect(draftText("   ", none)).toBeNull();
  });

  it("fits a long draft to the limit the same way as the reply", () => {
    const long = "word ".repeat(400);
    const draft = draftText(long, none, 100)!;
    expect(Array.from(draft)).toHaveLength(100);
    expect(draft).toBe((postprocess(long, none, 100) as { text: string }).text);
  });
});

describe("a reply the token limit cut, and drafts of a thinking model", () => {
  it("a reply cut mid-answer ends with …, unless a trim-after phrase had ended it already", () => {
    expect(postprocess("The sky is blue because", none, undefined, true)).toEqual({
      kind: "reply",
      text: "The sky is blue because…",
    });
    const rules = { filterOut: [], trimAfter: ["\nUser:"] };
    expect(postprocess("Blue.\nUser: and then", rules, undefined, true)).toEqual({ kind: "reply", text: "Blue." });
    // Within the stored limit, the mark included, and never twice.
    expect(postprocess("abcdef", none, 4, true)).toEqual({ kind: "reply", text: "abc…" });
    expect(postprocess("abc", none, 4, true)).toEqual({ kind: "reply", text: "abc…" });
  });

  it("a draft is 'thinking' while the model thinks with no answer yet, then the answer alone", () => {
    expect(draftView("<think>plan", false, none)).toBe(THINKING);
    expect(draftView("<think>plan</think>\n\nHel", false, none)).toBe("Hel");
    // Reasoning sent apart (content empty so far), then the answer.
    expect(draftView("", true, none)).toBe(THINKING);
    expect(draftView("Hi", true, none)).toBe("Hi");
    // Nothing at all yet, or an answer held back (it could still become [SKIP]): nothing new to show.
    expect(draftView("", false, none)).toBeNull();
    expect(draftView("[SK", true, none)).toBeNull();
    // Thinking again after some answer does not hide the answer.
    expect(draftView("Hi <think>more", false, none)).toBe("Hi");
  });
});
