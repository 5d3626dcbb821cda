import { describe, expect, it } from "vitest";
import type { LiveFilter, Message } from "../../types";
import { filterKey, shows } from "./live-filter";

const msg = (over: Partial<Message>): Message => ({
  id: "m",
  seq: 1,
  timestamp: 0,
  text: "t",
  username: "Alice",
  color: "100100100",
  domain: "d",
  "message-type": "human",
  ...over,
});
const authors: Record<string, { username: string; color: string }> = { q1: { username: "Bob", color: "200200200" } };
const authorOf = (id: string) => authors[id];

describe("live filter", () => {
  const all: LiveFilter = { channel: "ALL", users: [] };
  const bob: LiveFilter = { channel: "ALL", users: [{ username: "Bob", color: "200200200" }] };

  it("the channel decides first", () => {
    expect(shows({ channel: "AI", users: [] }, msg({}), authorOf)).toBe(false);
    expect(shows({ channel: "AI", users: [] }, msg({ "message-type": "AI" }), authorOf)).toBe(true);
    expect(shows(all, msg({}), authorOf)).toBe(true);
  });

  it("a conversation shows its people and the replies to them, nobody else", () => {
    expect(shows(bob, msg({ username: "Bob", color: "200200200" }), authorOf)).toBe(true);
    expect(shows(bob, msg({ username: "Bob", color: "999999999" }), authorOf)).toBe(false);
    expect(shows(bob, msg({}), authorOf)).toBe(false);
    expect(shows(bob, msg({ "message-type": "AI", username: "Eve", replyTo: "q1" }), authorOf)).toBe(true);
    expect(shows(bob, msg({ "message-type": "AI", username: "Eve", replyTo: "unknown" }), authorOf)).toBe(false);
  });

  it("sockets with the same filter share a key; different filters do not", () => {
    expect(filterKey(all)).toBe(filterKey({ channel: "ALL", users: [] }));
    expect(filterKey(bob)).not.toBe(filterKey(all));
    expect(filterKey({ channel: "human", users: [] })).not.toBe(filterKey(all));
  });
});
