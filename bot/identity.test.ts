import { describe, expect, it } from "vitest";
import { colorSchema } from "../types/message.ts";
import { conversationColor, replyIdentity } from "./identity.ts";

const entity = { id: "sage", username: "Sage", color: "120200150" };
const asker = { username: "alice", color: "255100050" };

describe("replyIdentity", () => {
  it("answers as the entity when the message names no ais", () => {
    expect(replyIdentity(entity, undefined, asker)).toEqual({ username: "Sage", color: "120200150" });
  });

  it("answers as name:color from ais", () => {
    expect(replyIdentity(entity, "Oracle:010200250", asker)).toEqual({ username: "Oracle", color: "010200250" });
  });

  it("accepts an entity-length name (up to 32) from ais, which the API accepts for AI replies", () => {
    expect(replyIdentity(entity, "EmotionalIntelligence:010200250", asker)).toEqual({
      username: "EmotionalIntelligence",
      color: "010200250",
    });
    expect(replyIdentity(entity, `${"E".repeat(33)}:010200250`, asker).username).toBe("Sage");
  });

  it("keeps one random color for the whole conversation and a different one elsewhere", () => {
    const first = replyIdentity(entity, "Oracle:random", asker);
    const again = replyIdentity(entity, "Oracle:random", asker);
    const otherPerson = replyIdentity(entity, "Oracle:random", { username: "bob", color: "000100200" });
    expect(first.username).toBe("Oracle");
    expect(colorSchema.safeParse(first.color).success).toBe(true);
    expect(again).toEqual(first);
    expect(otherPerson.color).not.toBe(first.color);
  });

  it("falls back to the entity's identity when ais is malformed", () => {
    expect(replyIdentity(entity, "has space:010200250", asker)).toEqual({ username: "Sage", color: "120200150" });
    expect(replyIdentity(entity, "Oracle:999999999", asker)).toEqual({ username: "Oracle", color: "120200150" });
  });
});

describe("conversationColor", () => {
  it("is always a valid RRRGGGBBB color", () => {
    for (const key of ["a", "b", "alice:1|x|y", "🙂", ""]) {
      expect(colorSchema.safeParse(conversationColor(key)).success).toBe(true);
    }
  });
});
