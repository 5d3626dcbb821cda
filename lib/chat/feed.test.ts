import { describe, expect, it } from "vitest";
import { addressedMsg, msg } from "../../tests/fixtures/messages";
import type { CommentsPage, Message } from "../../types";
import { type FeedSource, MessageFeed } from "./feed";
import type { ServerQuery } from "./filters";

/**
 * An in-memory room that answers like the API (seq cursors, hasMore), records every request and
 * lets a test hold a request open to see what the feed does meanwhile.
 */
class FakeRoom implements FeedSource {
  messages: Message[] = [];
  requests: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  gate: Promise<void> | null = null;

  add(m: Message) {
    this.messages.push(m);
  }

  private async track<T>(label: string, answer: () => T): Promise<T> {
    this.requests.push(label);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await (this.gate ?? Promise.resolve());
    await new Promise((r) => setTimeout(r, 1));
    this.inFlight--;
    return answer();
  }

  private head() {
    return this.messages.at(-1)?.seq ?? 0;
  }

  recent(q: ServerQuery): Promise<CommentsPage> {
    const label = q.users.length ? `recent:${q.users.map((u) => u.username).join("+")}` : "recent";
    return this.track(label, () => {
      const matching = this.messages.filter(
        (m) => q.users.length === 0 || q.users.some((u) => u.username === m.username && u.color === m.color),
      );
      const comments = matching.slice(-3);
      return { comments, cursor: this.head(), hasMore: matching.length > 3 };
    });
  }

  after(cursor: number): Promise<CommentsPage> {
    return this.track(`after:${cursor}`, () => {
      const newer = this.messages.filter((m) => m.seq > cursor);
      const comments = newer.slice(0, 2);
      const hasMore = newer.length > 2;
      return { comments, cursor: hasMore ? (comments.at(-1)?.seq ?? cursor) : this.head(), hasMore };
    });
  }

  before(seq: number, _q: ServerQuery): Promise<CommentsPage> {
    return this.track(`before:${seq}`, () => {
      const older = this.messages.filter((m) => m.seq < seq);
      const comments = older.slice(-2);
      return { comments, cursor: comments[0]?.seq ?? seq, hasMore: older.length > 2 };
    });
  }

  status(ids: readonly string[]): Promise<Message[]> {
    return this.track(`status:${ids.join(",")}`, () => this.messages.filter((m) => ids.includes(m.id)));
  }
}

const query: ServerQuery = { users: [], channel: "ALL" };
const me = { username: "Me", color: "050100200" };
const isMine = (m: Message) => m.username === me.username && m.color === me.color;

function room(count: number) {
  const r = new FakeRoom();
  for (let i = 1; i <= count; i++) r.add(msg(i));
  return r;
}

describe("MessageFeed", () => {
  it("loads the recent window first, then polls from its cursor", async () => {
    const r = room(5);
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    expect(feed.current.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    r.add(msg(6));
    await feed.sync();
    expect(r.requests).toEqual(["recent", "after:5"]);
    expect(feed.current.messages.map((m) => m.seq)).toEqual([3, 4, 5, 6]);
    expect(feed.takeArrived().map((m) => m.seq)).toEqual([6]);
  });

  it("loads a filtered conversation's history plus the recent window, where replies to me are", async () => {
    const r = new FakeRoom();
    r.add(msg(1, { ...me, id: "old-mine" }));
    for (let i = 2; i <= 6; i++) r.add(msg(i, { username: "Zed" }));
    r.add(msg(7, { ...me, id: "asked" }));
    r.add(msg(8, { username: "Echo", "message-type": "AI", replyTo: "asked", id: "reply" }));
    const feed = new MessageFeed(r, { users: [me], channel: "ALL" }, { isMine });
    await feed.sync();
    expect(r.requests.sort()).toEqual(["recent", "recent:Me"]);
    expect(feed.current.messages.map((m) => m.id)).toEqual(["old-mine", "m6", "asked", "reply"]);
    expect(feed.current.cursor).toBe(8);
    r.add(msg(9));
    await feed.sync();
    expect(r.requests.at(-1)).toBe("after:8");
  });

  it("never has two polls in flight and never fetches a range twice", async () => {
    const r = room(3);
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    let open!: () => void;
    r.gate = new Promise((resolve) => {
      open = resolve;
    });
    const first = feed.sync();
    r.add(msg(4));
    // Three more asks while the first poll is held open fold into ONE follow-up poll.
    const more = [feed.sync(), feed.sync(), feed.sync()];
    open();
    r.gate = null;
    await Promise.all([first, ...more]);
    expect(r.maxInFlight).toBe(1);
    expect(r.requests).toEqual(["recent", "after:3", "after:4"]);
    expect(feed.current.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it("drains a backlog page by page when the server has more", async () => {
    const r = room(2);
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    for (let i = 3; i <= 7; i++) r.add(msg(i));
    await feed.sync();
    expect(r.requests.slice(1)).toEqual(["after:2", "after:4", "after:6"]);
    expect(feed.current.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("refreshes the queue state of my waiting messages only", async () => {
    const r = new FakeRoom();
    r.add(addressedMsg(1, "pending", { ...me, id: "q1" }));
    r.add(addressedMsg(2, "pending", { id: "theirs" }));
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    r.messages[0] = addressedMsg(1, "failed", { ...me, id: "q1" });
    await feed.sync();
    expect(r.requests).toEqual(["recent", "after:2", "status:q1"]);
    expect(feed.current.messages[0]?.botParams?.status).toBe("failed");
    await feed.sync();
    expect(r.requests.at(-1)).toBe("after:2");
  });

  it("loads older history once and keeps order", async () => {
    const r = room(6);
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    await Promise.all([feed.loadOlder(), feed.loadOlder()]);
    expect(r.requests.filter((q) => q.startsWith("before"))).toEqual(["before:4"]);
    expect(feed.current.messages.map((m) => m.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(feed.current.hasOlder).toBe(true);
  });

  it("accepts a POST answer and does not list it twice when the poll brings it", async () => {
    const r = room(1);
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    const sent = msg(2, { ...me, id: "sent" });
    r.add(sent);
    feed.accept(sent);
    await feed.sync();
    expect(feed.current.messages.map((m) => m.id)).toEqual(["m1", "sent"]);
  });
});

describe("MessageFeed with push", () => {
  it("merges pushed messages with polled ones: each exactly once, in seq order, cursor at the newest", async () => {
    const r = room(3);
    const feed = new MessageFeed(r, query, { isMine });
    await feed.sync();
    // A resume overlaps what polling already fetched (m2, m3) and brings m4, m5.
    feed.applyLive({ type: "messages", messages: [msg(2), msg(3), msg(4), msg(5)], cursor: 5, hasMore: false });
    expect(feed.current.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(feed.current.cursor).toBe(5);
    expect(feed.takeArrived().map((m) => m.seq)).toEqual([4, 5]);
    // A poll that races the socket returns m4-m6; m4, m5 are not doubled.
    r.add(msg(4));
    r.add(msg(5));
    r.add(msg(6));
    feed.applyLive({ type: "messages", messages: [msg(6)], cursor: 6, hasMore: false });
    await feed.sync();
    expect(feed.current.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("asks for the rest when the room stopped a catch-up early", async () => {
    const feed = new MessageFeed(room(1), query, { isMine });
    await feed.sync();
    expect(feed.applyLive({ type: "messages", messages: [msg(2)], cursor: 2, hasMore: true })).toEqual({
      resumeFrom: 2,
    });
  });

  it("applies queue changes in the order pushed, even a lease that expired back to pending", async () => {
    const r = new FakeRoom();
    r.add(addressedMsg(1, "pending", { username: me.username, color: me.color }));
    const feed = new MessageFeed(r, query, { isMine, isLive: () => true });
    await feed.sync();
    const change = (status: "pending" | "processing" | "failed", attempts: number) => ({
      id: "m1",
      seq: 1,
      status,
      attempts,
      error: status === "failed" ? "gave up" : null,
      leaseExpiresAt: null,
    });
    feed.applyLive({ type: "queue", changes: [change("processing", 0)] });
    expect(feed.current.messages[0]?.botParams?.status).toBe("processing");
    feed.applyLive({ type: "queue", changes: [change("pending", 1)] });
    expect(feed.current.messages[0]?.botParams).toMatchObject({ status: "pending", attempts: 1 });
    feed.applyLive({ type: "queue", changes: [change("failed", 3)] });
    expect(feed.current.messages[0]?.botParams).toMatchObject({ status: "failed", error: "gave up" });
    // Live, a sync never polls /status for my waiting messages.
    await feed.sync();
    expect(r.requests.some((q) => q.startsWith("status"))).toBe(false);
  });

  it("paints the window the server embedded in the page without asking for it", async () => {
    const r = room(5);
    const feed = new MessageFeed(r, query, {
      isMine,
      initialPage: { comments: [msg(4), msg(5)], cursor: 5, hasMore: true },
    });
    // Loaded before any sync: the page's first render already has it.
    expect(feed.current).toMatchObject({ loaded: true, cursor: 5, hasOlder: true });
    expect(feed.current.messages.map((m) => m.seq)).toEqual([4, 5]);
    await feed.sync();
    expect(feed.current.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(r.requests).toEqual([]);
    // The next sync polls from the embedded cursor.
    r.add(msg(6));
    await feed.sync();
    expect(r.requests).toEqual(["after:5"]);
    expect(feed.current.messages.map((m) => m.seq)).toEqual([4, 5, 6]);
  });

  it("takes the embedded window only for the unfiltered view", async () => {
    const r = room(5);
    const feed = new MessageFeed(
      r,
      { users: [], channel: "human" },
      { isMine, initialPage: { comments: [msg(4), msg(5)], cursor: 5, hasMore: true } },
    );
    expect(feed.current.loaded).toBe(false);
    await feed.sync();
    expect(r.requests).toEqual(["recent"]);
  });

  it("reloads from the server, not the embedded window, when its cursor cannot be resumed", async () => {
    const r = room(5);
    const feed = new MessageFeed(r, query, {
      isMine,
      initialPage: { comments: [msg(1), msg(2)], cursor: 2, hasMore: false },
    });
    await feed.reload();
    expect(r.requests).toEqual(["recent"]);
    expect(feed.current.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(feed.current.cursor).toBe(5);
  });
});

describe("MessageFeed and moderation", () => {
  it("polls with the rev it holds and replaces a removed message at the next poll, though it is past its seq", async () => {
    const requests: string[] = [];
    let removedYet = false;
    const source: FeedSource = {
      recent: async () => ({ comments: [msg(1), msg(2), msg(3)], cursor: 3, hasMore: false, rev: 0 }),
      after: async (cursor, rev) => {
        requests.push(`after:${cursor}:${rev}`);
        if (!removedYet || rev === 1)
          return { comments: [], cursor: 3, hasMore: false, rev: removedYet ? 1 : 0, updated: [] };
        const tomb = msg(2, { text: "", username: "", color: "", removed: { reason: "spam", at: 5 } });
        return { comments: [], cursor: 3, hasMore: false, rev: 1, updated: [tomb] };
      },
      before: async () => ({ comments: [], cursor: 0, hasMore: false }),
      status: async () => [],
    };
    const feed = new MessageFeed(source, query, { isMine });
    await feed.sync();
    await feed.sync();
    removedYet = true;
    await feed.sync();
    await feed.sync();
    expect(requests).toEqual(["after:3:0", "after:3:0", "after:3:1"]);
    expect(feed.current.messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "message 1"],
      [2, ""],
      [3, "message 3"],
    ]);
    expect(feed.current.messages[1]?.removed?.reason).toBe("spam");
    expect(feed.takeArrived()).toEqual([]);
  });
});
