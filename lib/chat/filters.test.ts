import { describe, expect, it } from "vitest";
import { msg } from "../../tests/fixtures/messages";
import { containsWord, serverQuery, visibleMessages } from "./filters";
import { EMPTY_HASH_STATE, type HashState } from "./hash-state";

const alice = { username: "Alice", color: "200100050" };
const bob = { username: "Bob", color: "100200050" };
const me = { username: "Me", color: "050100200" };
const view = { search: "", domain: null, me };

const messages = [
  msg(1, { ...alice, text: "hello world" }),
  msg(2, { ...bob, text: "Hello there, spam inside" }),
  msg(3, { ...me, text: "hi alice", id: "mine" }),
  msg(4, { username: "Echo", color: "255200100", "message-type": "AI", replyTo: "mine", text: "echo: hi" }),
  msg(5, { username: "Echo", color: "255200100", "message-type": "AI", replyTo: "m2", text: "echo to bob" }),
  msg(6, { ...alice, text: "from elsewhere", domain: "other.example" }),
];
const ids = (list: { id: string }[]) => list.map((m) => m.id);
const state = (s: Partial<HashState>): HashState => ({ ...EMPTY_HASH_STATE, ...s });

describe("visibleMessages", () => {
  it("shows everything without filters", () => {
    expect(ids(visibleMessages(messages, state({}), view))).toEqual(["m1", "m2", "mine", "m4", "m5", "m6"]);
  });

  it("F1: a user filter shows those users, me, and replies to us", () => {
    expect(ids(visibleMessages(messages, state({ users: [alice] }), view))).toEqual(["m1", "mine", "m4", "m6"]);
    expect(ids(visibleMessages(messages, state({ users: [alice, bob] }), view))).toEqual([
      "m1",
      "m2",
      "mine",
      "m4",
      "m5",
      "m6",
    ]);
  });

  it("F1: the color is part of the identity", () => {
    const otherAlice = { username: "Alice", color: "000000255" };
    expect(ids(visibleMessages(messages, state({ users: [otherAlice] }), { ...view, me: undefined }))).toEqual([]);
  });

  it("F2: all required words must appear, case-insensitively", () => {
    expect(ids(visibleMessages(messages, state({ words: ["hello"] }), view))).toEqual(["m1", "m2"]);
    expect(ids(visibleMessages(messages, state({ words: ["hello", "WORLD"] }), view))).toEqual(["m1"]);
  });

  it("F3: a negative word hides messages containing it, or by that username", () => {
    expect(ids(visibleMessages(messages, state({ negativeWords: ["spam"] }), view))).not.toContain("m2");
    expect(ids(visibleMessages(messages, state({ negativeWords: ["echo"] }), view))).toEqual([
      "m1",
      "m2",
      "mine",
      "m6",
    ]);
  });

  it("F4: filters switched off keep nothing out", () => {
    expect(visibleMessages(messages, state({ users: [bob], words: ["zzz"], filterActive: false }), view)).toHaveLength(
      6,
    );
  });

  it("F5: the channel shows humans, AI or both, with filters on or off", () => {
    expect(ids(visibleMessages(messages, state({ channel: "AI" }), view))).toEqual(["m4", "m5"]);
    expect(ids(visibleMessages(messages, state({ channel: "human", filterActive: false }), view))).toEqual([
      "m1",
      "m2",
      "mine",
      "m6",
    ]);
  });

  it("F6: search matches text or username, with or without filters", () => {
    expect(ids(visibleMessages(messages, state({}), { ...view, search: "BOB" }))).toEqual(["m2", "m5"]);
    expect(ids(visibleMessages(messages, state({ users: [alice] }), { ...view, search: "ELSE" }))).toEqual(["m6"]);
  });

  it("F8: the domain filter shows only messages from this host", () => {
    expect(ids(visibleMessages(messages, state({}), { ...view, domain: "other.example" }))).toEqual(["m6"]);
  });
});

describe("containsWord", () => {
  it("matches whole words only", () => {
    expect(containsWord("concatenate", "cat")).toBe(false);
    expect(containsWord("a cat!", "cat")).toBe(true);
    expect(containsWord("I like c++ a lot", "c++")).toBe(true);
    expect(containsWord("Ünïcode wörds", "WÖRDS")).toBe(true);
  });
});

describe("serverQuery (C2)", () => {
  it("asks the server for the filtered users plus me when filters are on", () => {
    expect(serverQuery(state({ users: [alice], channel: "human" }), me)).toEqual({
      users: [alice, me],
      channel: "human",
    });
    expect(serverQuery(state({ users: [alice], filterActive: false }), me)).toEqual({ users: [], channel: "ALL" });
    expect(serverQuery(state({ words: ["x"] }), me)).toEqual({ users: [], channel: "ALL" });
  });
});

describe("seq filter (E9: what an entity read)", () => {
  it("shows exactly the messages in the ranges while filters are on, and everything when off", () => {
    const messages = [1, 2, 3, 4, 5, 6].map((seq) => msg(seq));
    const view = { search: "", domain: null };
    const filters = {
      ...EMPTY_HASH_STATE,
      seqs: [
        [2, 3],
        [5, 5],
      ] as Array<[number, number]>,
    };
    expect(visibleMessages(messages, filters, view).map((m) => m.seq)).toEqual([2, 3, 5]);
    expect(visibleMessages(messages, { ...filters, filterActive: false }, view)).toHaveLength(6);
  });
});
