import { describe, expect, it } from "vitest";
import { addressedMsg, msg } from "../../tests/fixtures/messages";
import {
  appendNewer,
  fromFirstPage,
  mergeById,
  prependOlder,
  replaceChanged,
  upsert,
  withoutTombstones,
} from "./message-window";

const page = (seqs: number[], cursor: number, hasMore = false) => ({
  comments: seqs.map((s) => msg(s)),
  cursor,
  hasMore,
});
const seqs = (w: { messages: { seq: number }[] }) => w.messages.map((m) => m.seq);

describe("message window", () => {
  it("appends newer pages and moves the cursor forward only", () => {
    let w = fromFirstPage(page([3, 4], 4, true));
    w = appendNewer(w, page([5, 6], 6));
    w = appendNewer(w, page([], 5));
    expect(seqs(w)).toEqual([3, 4, 5, 6]);
    expect(w.cursor).toBe(6);
    expect(w.hasOlder).toBe(true);
  });

  it("prepends older history and keeps seq order and one copy per id", () => {
    let w = fromFirstPage(page([5, 6], 6, true));
    w = prependOlder(w, page([2, 3, 4], 4, false));
    w = appendNewer(w, page([6, 7], 7));
    expect(seqs(w)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(w.hasOlder).toBe(false);
    expect(new Set(w.messages.map((m) => m.id)).size).toBe(w.messages.length);
  });

  it("replaces a message with a later queue state, never an earlier one", () => {
    let w = fromFirstPage({ comments: [addressedMsg(1, "pending")], cursor: 1, hasMore: false });
    w = upsert(w, [addressedMsg(1, "processing")]);
    expect(w.messages[0]?.botParams?.status).toBe("processing");
    w = upsert(w, [addressedMsg(1, "pending")]);
    expect(w.messages[0]?.botParams?.status).toBe("processing");
    w = upsert(w, [addressedMsg(1, "failed")]);
    expect(w.messages[0]?.botParams?.status).toBe("failed");
  });

  it("treats an AI reply as proof that its message is complete", () => {
    const merged = mergeById(
      [addressedMsg(1, "processing")],
      [msg(2, { "message-type": "AI", replyTo: "m1", username: "Echo" })],
    );
    expect(merged[0]?.botParams?.status).toBe("complete");
  });
});

describe("moderation: messages changed in place", () => {
  const removed = (seq: number) => msg(seq, { text: "", username: "", color: "", removed: { reason: "spam", at: 1 } });

  it("a tombstone from `updated` replaces the held copy even when that copy was further along its queue life", () => {
    let w = fromFirstPage({
      comments: [msg(1), addressedMsg(2, "complete"), msg(3)],
      cursor: 3,
      hasMore: false,
      rev: 4,
    });
    const tomb = { ...addressedMsg(2, "failed", { text: "", removed: { reason: "abuse", at: 1 } }) };
    w = appendNewer(w, { comments: [msg(4)], cursor: 4, hasMore: false, rev: 6, updated: [tomb, msg(99)] });
    expect(seqs(w)).toEqual([1, 2, 3, 4]);
    expect(w.messages[1]?.removed?.reason).toBe("abuse");
    expect(w.rev).toBe(6);
    // A restore comes back the same way and wins over the tombstone.
    w = appendNewer(w, { comments: [], cursor: 4, hasMore: false, rev: 7, updated: [addressedMsg(2, "pending")] });
    expect(w.messages[1]?.removed).toBeUndefined();
    expect(w.messages[1]?.botParams?.status).toBe("pending");
  });

  it("keeps a tombstone's place (the cursor stays complete) but never shows it", () => {
    const w = fromFirstPage({ comments: [msg(1), removed(2), msg(3)], cursor: 3, hasMore: false });
    expect(seqs(w)).toEqual([1, 2, 3]);
    expect(withoutTombstones(w.messages).map((m) => m.seq)).toEqual([1, 3]);
    expect(replaceChanged(w.messages, [])).toEqual(w.messages);
  });
});
