import { describe, expect, it } from "vitest";
import { LIMITS } from "../types/message.ts";
import { createDemoResponder } from "./demo.ts";

describe("demo responder", () => {
  it("says it is a demo, echoes the person, and tells how to connect a real model", async () => {
    const demo = createDemoResponder();
    const reply = await demo.chat(
      {
        model: "any",
        messages: [
          { role: "system", content: "You are Sage." },
          { role: "user", content: "earlier\nwhat is the tide?" },
        ],
      },
      new AbortController().signal,
    );
    expect(reply.text).toMatch(/^\[demo\] This is a demo reply/);
    expect(reply.text).toContain('You said: "what is the tide?"');
    expect(reply.text).toContain("--llm");
    expect(reply.text).toContain("LM Studio");
  });

  it("stays within what the API accepts for a very long message", async () => {
    const reply = await createDemoResponder().chat(
      { model: "any", messages: [{ role: "user", content: "x".repeat(5_000) }] },
      new AbortController().signal,
    );
    expect(reply.text.length).toBeLessThanOrEqual(LIMITS.textMax);
  });

  it("quotes mentions without their @, so a demo reply never addresses an entity and starts no scene (E8)", async () => {
    const reply = await createDemoResponder().chat(
      { model: "any", messages: [{ role: "user", content: "@sage @Wren hello, mail me at a@b" }] },
      new AbortController().signal,
    );
    // As the room reads a mention: an @ not preceded by a letter, digit, _ or @ (an address stays).
    expect(reply.text).toContain('You said: "sage Wren hello, mail me at a@b"');
  });
});
