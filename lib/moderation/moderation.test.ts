import { describe, expect, it } from "vitest";
import { msg } from "../../tests/fixtures/messages";
import { MODERATION } from "../../types";
import { ApiError } from "../client/core";
import { auditLine, auditTargetLabel, canRestore, moderationErrorText, targetLabel } from "./moderation";

describe("moderation labels", () => {
  it("an audit entry reads as who did what to whom and why", () => {
    const at = 1_700_000_000_000;
    expect(auditLine({ id: 1, at, operator: "admin", action: "remove", target: "message:m1", reason: "spam" })).toBe(
      "admin removed message m1: spam",
    );
    expect(auditLine({ id: 2, at, operator: "admin", action: "unmute", target: "address:10.0.0.1", reason: "" })).toBe(
      "admin unmuted address 10.0.0.1",
    );
    // A name may itself contain ":"; the color never does.
    expect(auditTargetLabel("identity:a:b:255000000")).toBe("a:b (255000000)");
    expect(targetLabel({ username: "Troll", color: "255000000" })).toBe("Troll (255000000)");
  });

  it("restore is offered only during the grace period (clock injected)", () => {
    const removedAt = 1_000_000;
    const tomb = msg(1, { text: "", removed: { reason: "spam", at: removedAt } });
    expect(canRestore(tomb, removedAt + MODERATION.graceMs - 1)).toBe(true);
    expect(canRestore(tomb, removedAt + MODERATION.graceMs)).toBe(false);
    expect(canRestore(msg(2), removedAt)).toBe(false);
  });

  it("an error tells the operator what to do", () => {
    expect(moderationErrorText("Remove m1", new ApiError("unauthorized", "x"))).toMatch(/admin token/);
    expect(moderationErrorText("Remove m1", new ApiError("not_found", 'No message with id "m1"'))).toBe(
      'Remove m1 failed (not_found): No message with id "m1"',
    );
  });
});
