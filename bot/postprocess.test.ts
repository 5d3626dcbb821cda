import { describe, expect, it } from "vitest";
import { postprocess } from "./postprocess.ts";

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
