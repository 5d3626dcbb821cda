import { describe, expect, it } from "vitest";
import { msg } from "../../tests/fixtures/messages";
import { messageInputSchema } from "../../types";
import { buildOutgoing, checkDraft, newMessageId, optimisticMessage, usernameHint } from "./outgoing";

const me = { username: "Me", color: "050100200" };

describe("composing (C4, C5, E1)", () => {
  it("refuses to send without a username, empty or over 240 characters", () => {
    expect(checkDraft("hi", "")).toBe("no-username");
    expect(checkDraft("hi", "has space")).toBe("bad-username");
    expect(checkDraft("   ", "Me")).toBe("empty");
    expect(checkDraft("x".repeat(241), "Me")).toBe("too-long");
    expect(checkDraft("x".repeat(240), "Me")).toBeNull();
  });

  it("says why a username cannot send, in words a person can act on", () => {
    expect(usernameHint("")).toBe("Pick a username to send.");
    expect(usernameHint("has space")).toBe("Username cannot contain whitespace.");
    expect(usernameHint("x".repeat(17))).toBe("A person's username is at most 16 characters.");
    expect(usernameHint("Me")).toBeNull();
  });

  it("says which character makes a name look like another, before anything is sent", () => {
    expect(checkDraft("hi", "troll\u200B")).toBe("bad-username");
    expect(usernameHint("troll\u200B")).toBe("Username cannot contain invisible characters (U+200B).");
    expect(usernameHint("me\u202Eem")).toBe("Username cannot contain text-direction controls (U+202E).");
    expect(usernameHint("a\u0007")).toBe("Username cannot contain control characters (U+0007).");
    expect(usernameHint("Jose\u0301")).toBeNull();
  });

  it("makes ids the API accepts, different each time", () => {
    const a = newMessageId();
    expect(a).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(newMessageId()).not.toBe(a);
  });

  it("makes ids nobody can guess: 128 random bits, not a clock with a few letters", () => {
    const ids = Array.from({ length: 2_000 }, () => newMessageId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^m[0-9a-f]{32}$/);
    // Every hex digit at every position varies: no fixed prefix (the old ids began with the time).
    for (let at = 1; at <= 32; at++) expect(new Set(ids.map((id) => id[at])).size, `digit ${at}`).toBe(16);
    // And the bits are balanced, as random bits are (2,000 × 128 bits; 50% ± 1%).
    const ones = ids.reduce(
      (sum, id) =>
        sum + [...id.slice(1)].reduce((s, h) => s + Number.parseInt(h, 16).toString(2).split("1").length - 1, 0),
      0,
    );
    expect(ones / (ids.length * 128)).toBeGreaterThan(0.49);
    expect(ones / (ids.length * 128)).toBeLessThan(0.51);
  });

  it("addresses the entity with priority, model, ais and nom lines of context", () => {
    const input = buildOutgoing({
      id: "abc",
      text: "  hello  ",
      me,
      domain: "saywhatwant.app",
      addressing: { entity: "echo", priority: 0, model: "m1", ais: "Echo:random", contextSize: 2 },
      displayed: [msg(1, { text: "one" }), msg(2, { text: "two" }), msg(3, { text: "three" })],
    });
    expect(messageInputSchema.parse(input)).toEqual({
      id: "abc",
      text: "hello",
      username: "Me",
      color: "050100200",
      domain: "saywhatwant.app",
      "message-type": "human",
      botParams: { entity: "echo", priority: 0, model: "m1", ais: "Echo:random" },
      context: ["Alice: two", "Alice: three"],
    });
  });

  it("sends a plain message when no entity is addressed", () => {
    const input = buildOutgoing({ id: "x", text: "hi", me, domain: "d", addressing: { priority: 3 }, displayed: [] });
    expect(input.botParams).toBeUndefined();
    expect(optimisticMessage(input, 5).botParams).toBeUndefined();
  });

  it("shows an addressed message as waiting before the server answers", () => {
    const input = buildOutgoing({ id: "x", text: "hi", me, domain: "d", addressing: { entity: "e" }, displayed: [] });
    expect(optimisticMessage(input, 5).botParams).toMatchObject({ entity: "e", status: "pending", priority: 50 });
  });
});
