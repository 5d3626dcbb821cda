import { describe, expect, it } from "vitest";
import { msg } from "../../tests/fixtures/messages";
import type { Message, MessageInput } from "../../types";
import { ApiError } from "../client/core";
import { CONFLICT_ERROR, Outbox, type OutboxStore, RETRY, retryDelay } from "./outbox";

/** A fake clock and timer queue: time moves only when the test says so. */
class FakeTime {
  now = 1_000_000;
  private timers: { at: number; fn: () => void }[] = [];
  schedule = (fn: () => void, ms: number) => {
    this.timers.push({ at: this.now + ms, fn });
  };
  async advance(ms: number): Promise<void> {
    const until = this.now + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.now = next.at;
      next.fn();
      await flush();
    }
    this.now = until;
    await flush();
  }
}
const flush = () => new Promise((r) => setTimeout(r, 0));

class MemoryStore implements OutboxStore {
  saved: unknown = [];
  load = () => this.saved;
  save = (entries: unknown) => {
    this.saved = JSON.parse(JSON.stringify(entries));
  };
}

const input = (id: string): MessageInput => ({ id, text: `text ${id}`, username: "Me", color: "050100200" });

function outbox(answers: (() => Promise<Message>)[], time = new FakeTime(), store = new MemoryStore()) {
  const posted: string[] = [];
  const stored: Message[] = [];
  const box = new Outbox({
    post: (i) => {
      posted.push(i.id ?? "");
      const next = answers.shift();
      return next ? next() : Promise.reject(new ApiError("network", "no answer scripted"));
    },
    onStored: (m) => stored.push(m),
    store,
    now: () => time.now,
    schedule: time.schedule,
    random: () => 0.5,
    newId: () => `fresh${posted.length}`,
  });
  return { box, posted, stored, time, store };
}

const ok = (id: string) => () => Promise.resolve(msg(1, { id }));
const down = () => Promise.reject(new ApiError("network", "Network error: connection refused"));
const serverError = () => Promise.reject(new ApiError("unavailable", "Room unavailable", { status: 503 }));
const refused = () => Promise.reject(new ApiError("invalid_input", "text is required", { status: 400 }));
const taken = () => Promise.reject(new ApiError("conflict", 'id "e" already names another message', { status: 409 }));

describe("Outbox (fake time)", () => {
  it("retries a network failure or a 5xx by itself with the same id, showing retrying, until stored", async () => {
    const { box, posted, stored, time, store } = outbox([down, serverError, ok("a")]);
    box.send(input("a"));
    await flush();
    expect(box.entries[0]?.state).toBe("retrying");
    expect(store.saved).toHaveLength(1);
    await time.advance(RETRY.maxDelayMs * 2);
    expect(posted).toEqual(["a", "a", "a"]);
    expect(stored.map((m) => m.id)).toEqual(["a"]);
    expect(box.entries).toEqual([]);
    expect(store.saved).toEqual([]);
  });

  it("a 4xx shows failed at once with no retry, and is not kept for a reload", async () => {
    const { box, posted, time, store } = outbox([refused]);
    box.send(input("b"));
    await time.advance(60_000);
    expect(posted).toEqual(["b"]);
    expect(box.entries[0]).toMatchObject({ state: "failed", error: "text is required" });
    expect(store.saved).toEqual([]);
  });

  it("a long outage ends in failed with Retry; Retry goes again with the same id", async () => {
    const answers: (() => Promise<Message>)[] = Array.from({ length: 40 }, () => down);
    const { box, posted, stored, time } = outbox(answers);
    box.send(input("c"));
    await flush();
    await time.advance(RETRY.giveUpAfterMs + RETRY.maxDelayMs);
    expect(box.entries[0]?.state).toBe("failed");
    const tries = posted.length;
    expect(tries).toBeGreaterThan(5);
    await time.advance(60_000);
    expect(posted.length).toBe(tries);
    // The outage ends; the person presses Retry.
    answers.splice(0, answers.length, ok("c"));
    box.retry("c");
    await flush();
    expect(stored.map((m) => m.id)).toEqual(["c"]);
  });

  it("a 409 conflict (the id names another message) shows failed; Retry sends the same text under a new id", async () => {
    const { box, posted, stored, time } = outbox([taken, ok("fresh1")]);
    box.send(input("e"));
    await time.advance(60_000);
    expect(posted).toEqual(["e"]);
    expect(box.entries[0]).toMatchObject({ state: "failed", error: CONFLICT_ERROR, conflicted: true });
    box.retry("e");
    expect(box.entries[0]).toMatchObject({ state: "sending", input: { id: "fresh1", text: "text e" } });
    expect(box.entries[0]?.message.id).toBe("fresh1");
    expect(box.entries[0]?.conflicted).toBeUndefined();
    await flush();
    expect(posted).toEqual(["e", "fresh1"]);
    expect(stored.map((m) => m.id)).toEqual(["fresh1"]);
    expect(box.entries).toEqual([]);
  });

  it("a conflicted send that fails again for a network reason keeps its new id while it retries", async () => {
    const { box, posted, time } = outbox([taken, down, ok("fresh1")]);
    box.send(input("f"));
    await flush();
    box.retry("f");
    await flush();
    expect(box.entries[0]).toMatchObject({ state: "retrying", input: { id: "fresh1" } });
    await time.advance(RETRY.maxDelayMs * 2);
    expect(posted).toEqual(["f", "fresh1", "fresh1"]);
    expect(box.entries).toEqual([]);
  });

  it("what an earlier page left unacknowledged is sent again after a reload, once per id", async () => {
    const store = new MemoryStore();
    const first = outbox([down], new FakeTime(), store);
    first.box.send(input("d"));
    await flush();
    expect(store.saved).toHaveLength(1);
    // The page reloads: a new outbox over the same store.
    const second = outbox([ok("d")], new FakeTime(), store);
    second.box.resumeSaved();
    second.box.resumeSaved();
    await flush();
    expect(second.posted).toEqual(["d"]);
    expect(second.stored.map((m) => m.id)).toEqual(["d"]);
    expect(store.saved).toEqual([]);
  });

  it("backs off: doubling with jitter, capped, and never sooner than the server's Retry-After", () => {
    const mid = () => 0.5;
    expect(retryDelay(1, null, mid)).toBe(750);
    expect(retryDelay(2, null, mid)).toBe(1_500);
    expect(retryDelay(10, null, mid)).toBe(RETRY.maxDelayMs * 0.75);
    expect(retryDelay(1, 20, mid)).toBe(20_000);
  });
});
