import { describe, expect, it } from "vitest";
import { readOutput, readSoFar, withoutThinking } from "./thinking.ts";

describe("thinking is never text", () => {
  it("a whole output: think blocks go, the answer stays", () => {
    expect(readOutput("<think>\nThe user greets me.\n</think>\n\nHello!")).toEqual({
      answer: "\n\nHello!",
      thinking: false,
    });
    expect(readOutput("Hi <think>hmm</think>there<think>again</think>.").answer).toBe("Hi there.");
    expect(readOutput("no thinking at all")).toEqual({ answer: "no thinking at all", thinking: false });
  });

  it("an unclosed think block is thought to the end: the model never got to answer", () => {
    expect(readOutput("<think>I should say hi but first")).toEqual({ answer: "", thinking: true });
    expect(readOutput("Partly <think>then more thought")).toEqual({ answer: "Partly ", thinking: true });
  });

  it("a </think> with no <think> before it ends thought the chat template opened in the prompt", () => {
    expect(readOutput("The user wants a greeting.\n</think>\n\nHello!").answer).toBe("\n\nHello!");
  });

  it("streaming: inside a think block nothing of it shows, and the state says thinking", () => {
    expect(readSoFar("<think>")).toEqual({ answer: "", thinking: true });
    expect(readSoFar("<think>secret plan, step")).toEqual({ answer: "", thinking: true });
    expect(readSoFar("<think>secret plan</thi")).toEqual({ answer: "", thinking: true });
    expect(readSoFar("<think>secret plan</think>\n\nHel")).toEqual({ answer: "\n\nHel", thinking: false });
  });

  it("streaming: a tag split across chunks is held back until it is decided", () => {
    const chunks = ["<", "thi", "nk>", "secret", "</th", "ink>", "Hi", " <", "t", "here"];
    const shown: string[] = [];
    let raw = "";
    for (const chunk of chunks) {
      raw += chunk;
      shown.push(readSoFar(raw).answer);
    }
    expect(shown).toEqual(["", "", "", "", "", "", "Hi", "Hi ", "Hi ", "Hi <there"]);
    for (const answer of shown) expect(answer).not.toContain("secret");
    // The whole output keeps a "<" that never became a tag.
    expect(readOutput("1 <").answer).toBe("1 <");
    expect(readSoFar("1 <").answer).toBe("1 ");
  });

  it("an earlier reply sent back to a model carries no thinking; one without any is left exactly as it was", () => {
    expect(withoutThinking("<think>plan</think>\n\nThe answer.")).toBe("The answer.");
    expect(withoutThinking("  spaced as stored  ")).toBe("  spaced as stored  ");
  });
});
