import { describe, expect, it } from "vitest";
import { addressedMsg, msg } from "../../tests/fixtures/messages";
import type { Job, Message, QueueChange } from "../../types";
import { jobViews } from "./jobs";
import { applyQueueChanges, fromFirstPage, isAwaitingReply, mergeById } from "./message-window";

const job = (entity: string, status: Job["status"], fields: Partial<Job> = {}): Job => ({
  entity,
  status,
  attempts: 0,
  error: null,
  depth: 0,
  ...fields,
});

/** `@Echo @Wren hello`, as the room stores it: two jobs, botParams mirroring the first. */
function twoEntityMessage(echo: Job["status"] = "pending", wren: Job["status"] = "pending"): Message {
  return addressedMsg(5, echo, {
    text: "@Echo @Wren hello",
    mentions: [
      { entity: "e2e-echo", username: "Echo", color: "120200150", addressed: true },
      { entity: "wren", username: "Wren", color: "200160230", addressed: true },
    ],
    jobs: [job("e2e-echo", echo), job("wren", wren)],
  });
}

const change = (fields: Partial<QueueChange>): QueueChange => ({
  id: "m5",
  seq: 5,
  status: "processing",
  attempts: 1,
  error: null,
  leaseExpiresAt: null,
  ...fields,
});

const windowOf = (...messages: Message[]) =>
  fromFirstPage({ comments: messages, cursor: messages.at(-1)?.seq ?? 0, hasMore: false });

describe("per-entity jobs (E7)", () => {
  it("shows one state per entity, by the name its mention resolved", () => {
    expect(jobViews(twoEntityMessage("complete", "processing"))).toEqual([
      { entity: "e2e-echo", name: "Echo", state: "answered", error: null },
      { entity: "wren", name: "Wren", state: "answering", error: null },
    ]);
    // One job: the single marker says it, as before.
    expect(jobViews(addressedMsg(1, "pending", { jobs: [job("echo", "pending")] }))).toBeNull();
    expect(jobViews(addressedMsg(1, "pending"))).toBeNull();
  });

  it("a live change naming an entity moves that job only; the first job's moves are mirrored in botParams", () => {
    let w = applyQueueChanges(windowOf(twoEntityMessage()), [
      change({ entity: "wren", status: "failed", error: "boom" }),
    ]);
    let m = w.messages[0] as Message;
    expect(m.jobs?.map((j) => [j.entity, j.status, j.error])).toEqual([
      ["e2e-echo", "pending", null],
      ["wren", "failed", "boom"],
    ]);
    expect(m.botParams?.status).toBe("pending");
    expect(isAwaitingReply(m)).toBe(true);

    w = applyQueueChanges(w, [
      change({ entity: "e2e-echo", status: "processing" }),
      change({ entity: "e2e-echo", status: "complete" }),
    ]);
    m = w.messages[0] as Message;
    expect(m.jobs?.map((j) => j.status)).toEqual(["complete", "failed"]);
    expect(m.botParams?.status).toBe("complete");
    expect(m.botParams?.processed).toBe(true);
    expect(isAwaitingReply(m)).toBe(false);
  });

  it("a change naming an entity the message did not ask is ignored; one naming none moves a single-job message", () => {
    const w = windowOf(twoEntityMessage());
    expect(applyQueueChanges(w, [change({ entity: "sage" })]).messages[0]).toEqual(w.messages[0]);
    expect(applyQueueChanges(w, [change({})]).messages[0]).toEqual(w.messages[0]);
    const single = applyQueueChanges(windowOf(addressedMsg(5, "pending")), [change({ status: "processing" })]);
    expect(single.messages[0]?.botParams?.status).toBe("processing");
  });

  it("an entity's reply completes its own job, not the other's", () => {
    const reply = msg(6, { "message-type": "AI", username: "Wren", color: "200160230", replyTo: "m5", text: "hi" });
    const [parent] = mergeById([twoEntityMessage("processing", "processing")], [reply]);
    expect(parent?.jobs?.map((j) => [j.entity, j.status, j.replyId])).toEqual([
      ["e2e-echo", "processing", undefined],
      ["wren", "complete", "m6"],
    ]);
    expect(parent && isAwaitingReply(parent)).toBe(true);
  });

  it("a copy from earlier in any job's life never replaces a later one", () => {
    const later = twoEntityMessage("complete", "processing");
    const earlier = twoEntityMessage("complete", "pending");
    expect(mergeById([later], [earlier])[0]?.jobs?.[1]?.status).toBe("processing");
    expect(mergeById([earlier], [later])[0]?.jobs?.[1]?.status).toBe("processing");
  });
});
