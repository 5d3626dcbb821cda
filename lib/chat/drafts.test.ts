import { describe, expect, it } from "vitest";
import { msg } from "../../tests/fixtures/messages";
import type { Draft, ServerEvent } from "../../types";
import { applyDraftEvent, type Drafts, NO_DRAFTS, pruneAnswered, visibleDrafts } from "./drafts";

const draft = (text: string, updatedAt: number, messageId = "m1"): Draft => ({
  messageId,
  entity: "eve",
  username: "Eve",
  color: "120200150",
  text,
  updatedAt,
});
const run = (events: ServerEvent[], from: Drafts = NO_DRAFTS) => events.reduce(applyDraftEvent, from);
const texts = (drafts: Drafts) => [...drafts.values()].map((d) => d.text);
const reply = msg(2, { id: "r1", "message-type": "AI", replyTo: "m1", text: "Hello, Alice", username: "Eve" });

describe("drafts from live events", () => {
  it("a socket that connects mid-stream starts from hello's drafts, then each draft replaces the last", () => {
    const drafts = run([
      { type: "hello", head: 1, cursor: 1, drafts: [draft("Hel", 10)], entities: [] },
      { type: "draft", draft: draft("Hello", 20) },
      { type: "draft", draft: draft("Hello,", 30) },
    ]);
    expect(texts(drafts)).toEqual(["Hello,"]);
  });

  it("a thinking model: the draft says thinking with no text, then the answer replaces it, and thinking never takes the answer away", () => {
    const thinking = { ...draft("", 10), phase: "thinking" as const };
    const first = run([{ type: "draft", draft: thinking }]);
    expect([...first.values()].map((d) => [d.text, d.phase])).toEqual([["", "thinking"]]);
    const answered = run([{ type: "draft", draft: draft("Hel", 20) }], first);
    expect([...answered.values()].map((d) => [d.text, d.phase])).toEqual([["Hel", undefined]]);
    expect(applyDraftEvent(answered, { type: "draft", draft: { ...thinking, updatedAt: 30 } })).toBe(answered);
  });

  it("ignores a stale draft frame older than the one shown", () => {
    const drafts = run([
      { type: "draft", draft: draft("Hello,", 30) },
      { type: "draft", draft: draft("Hel", 10) },
    ]);
    expect(texts(drafts)).toEqual(["Hello,"]);
  });

  it("complete: the draft stays until its stored reply is rendered, and is hidden from that render on (no gap, no second row)", () => {
    const finishing = run([
      { type: "draft", draft: draft("Hello, Al", 10) },
      { type: "draft-gone", messageId: "m1", reason: "complete" },
    ]);
    expect([...finishing.values()]).toEqual([{ ...draft("Hello, Al", 10), finishing: true }]);
    // Even before the drafts state catches up, a draft whose reply is listed is not rendered.
    expect(visibleDrafts(finishing, [msg(1), reply])).toEqual([]);
    expect(visibleDrafts(finishing, [msg(1)])).toHaveLength(1);
    // The reply's event may land before the list shows it: the draft stays on screen until then.
    const arrived = run(
      [
        { type: "messages", messages: [reply], cursor: 2, hasMore: false },
        {
          type: "queue",
          changes: [{ id: "m1", seq: 1, status: "complete", attempts: 0, error: null, leaseExpiresAt: null }],
        },
      ],
      finishing,
    );
    expect(visibleDrafts(arrived, [msg(1)])).toHaveLength(1);
    // A stale draft frame cannot bring back text once the reply is stored.
    expect(applyDraftEvent(arrived, { type: "draft", draft: draft("Hello, Al", 99) })).toBe(arrived);
    expect(pruneAnswered(arrived, [msg(1), reply]).size).toBe(0);
    expect(pruneAnswered(arrived, [msg(1)])).toBe(arrived);
  });

  it("failure, release, expiry: the draft goes at once; a queue change away from processing also clears it", () => {
    for (const reason of ["failed", "released", "expired"] as const) {
      const drafts = run([
        { type: "draft", draft: draft("partial", 10) },
        { type: "draft-gone", messageId: "m1", reason },
      ]);
      expect(drafts.size).toBe(0);
    }
    // After the room was evicted it forgets drafts without saying so; the queue change still clears it.
    const afterEviction = run([
      { type: "draft", draft: draft("partial", 10) },
      {
        type: "queue",
        changes: [{ id: "m1", seq: 1, status: "pending", attempts: 1, error: "lease expired", leaseExpiresAt: null }],
      },
    ]);
    expect(afterEviction.size).toBe(0);
  });

  it("returns the same map when an event changes nothing (no re-render)", () => {
    const drafts = run([{ type: "draft", draft: draft("a", 1) }]);
    expect(applyDraftEvent(drafts, { type: "presence", entities: [] })).toBe(drafts);
    expect(applyDraftEvent(drafts, { type: "messages", messages: [msg(5)], cursor: 5, hasMore: false })).toBe(drafts);
    expect(applyDraftEvent(drafts, { type: "draft-gone", messageId: "other", reason: "failed" })).toBe(drafts);
  });

  it("lists several drafts oldest first", () => {
    const drafts = run([
      { type: "draft", draft: draft("second", 20, "m2") },
      { type: "draft", draft: draft("first", 10, "m1") },
    ]);
    expect(visibleDrafts(drafts, []).map((d) => d.text)).toEqual(["first", "second"]);
  });
});
