import { describe, expect, it } from "vitest";
import { Drafts } from "./drafts";

const draft = (text: string, messageId = "m1") => ({ messageId, entity: "eve", username: "Eve", color: "1", text });

describe("Drafts", () => {
  it("keeps the latest text per message, stamped with the injected clock", () => {
    let now = 1_000;
    const drafts = new Drafts(() => now, 100);
    expect(drafts.put(draft("Hel")).changed).toBe(true);
    now = 1_200;
    drafts.put(draft("Hello"));
    drafts.put(draft("Other", "m2"));
    expect(drafts.all()).toEqual([
      { ...draft("Hello"), updatedAt: 1_200 },
      { ...draft("Other", "m2"), updatedAt: 1_200 },
    ]);
  });

  it("paces one message: the wait is what remains of the minimum interval since its last accepted draft", () => {
    let now = 5_000;
    const drafts = new Drafts(() => now, 100);
    expect(drafts.waitMs("m1")).toBe(0);
    drafts.put(draft("a"));
    now = 5_030;
    expect(drafts.waitMs("m1")).toBe(70);
    // Other messages are paced on their own.
    expect(drafts.waitMs("m2")).toBe(0);
    now = 5_100;
    expect(drafts.waitMs("m1")).toBe(0);
  });

  it("remove says whether there was a draft to tell subscribers about, and resets the pacing", () => {
    const drafts = new Drafts(() => 0, 100);
    drafts.put(draft("a"));
    expect(drafts.remove("m1")).toBe(true);
    expect(drafts.remove("m1")).toBe(false);
    expect(drafts.all()).toEqual([]);
    expect(drafts.waitMs("m1")).toBe(0);
  });

  it("a thinking draft has no text, and never replaces answer text already shown (only re-stamped for pacing)", () => {
    let now = 1_000;
    const drafts = new Drafts(() => now, 100);
    const thinking = { ...draft("ignored thought"), phase: "thinking" as const };
    expect(drafts.put(thinking)).toEqual({
      draft: { ...draft(""), phase: "thinking", updatedAt: 1_000 },
      changed: true,
    });
    now = 1_200;
    expect(drafts.put(draft("Hel")).draft).toEqual({ ...draft("Hel"), updatedAt: 1_200 });
    now = 1_400;
    expect(drafts.put(thinking)).toEqual({ draft: { ...draft("Hel"), updatedAt: 1_400 }, changed: false });
    expect(drafts.all()).toEqual([{ ...draft("Hel"), updatedAt: 1_400 }]);
    expect(drafts.waitMs("m1")).toBe(100);
  });
});
