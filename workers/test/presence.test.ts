import { describe, expect, it } from "vitest";
import { LIMITS, LIVE, LIVE_CLOSE } from "../../types";
import { ADMIN_TOKEN, BOT_TOKEN, call, claimNext, freshRoom, postMessage } from "./client";
import { LiveClient } from "./live-client";

const ANN = { username: "Ann", color: "255100100" };
const typing = (who: { username: string; color: string }, on = true) => ({ type: "typing", ...who, typing: on });
const mute = (room: string, target: unknown) =>
  call("POST", `/api/admin/mute?room=${room}`, { body: { target, minutes: 30, reason: "test" }, token: ADMIN_TOKEN });

/** Waits past one coalescing interval, so any activity frame that was coming has come. */
const settle = () => new Promise((r) => setTimeout(r, LIVE.activityIntervalMs + 300));
const typists = (c: LiveClient) => c.of("activity").flatMap((a) => a.typing.map((t) => t.username));

describe("typing frames (presence)", () => {
  it("a typist reaches the other sockets as one activity frame with their name and color", async () => {
    const room = freshRoom("typing");
    const viewer = await LiveClient.open(room);
    const typist = await LiveClient.open(room);
    typist.send(typing(ANN));
    await viewer.until(() => typists(viewer).includes("Ann"), "Ann typing");
    expect(viewer.of("activity").at(-1)).toEqual({ type: "activity", here: 2, typing: [ANN], typingCount: 1 });
    // A stop (the message was sent) takes the typist away with the next flush, not at the expiry.
    const stoppedAt = Date.now();
    typist.send(typing(ANN, false));
    await viewer.until(() => viewer.of("activity").at(-1)?.typingCount === 0, "Ann stopped");
    expect(Date.now() - stoppedAt).toBeLessThan(LIVE.typingExpiryMs);
    expect(viewer.of("activity").at(-1)).toEqual({ type: "activity", here: 2, typing: [], typingCount: 0 });
    for (const c of [viewer, typist]) c.close();
  });

  const bad: [string, unknown][] = [
    ["an oversized name", typing({ username: "x".repeat(LIMITS.usernameMax + 1), color: ANN.color })],
    ["a bad color", typing({ username: "Ann", color: "red" })],
    ["a missing flag", { type: "typing", ...ANN }],
  ];
  for (const [what, frame] of bad) {
    it(`${what}: closed with 4400 and a reason, nothing broadcast`, async () => {
      const room = freshRoom("typing-bad");
      const viewer = await LiveClient.open(room);
      const sender = await LiveClient.open(room);
      sender.send(frame);
      await sender.until(() => sender.closed !== null, "the close");
      expect(sender.closed?.code).toBe(LIVE_CLOSE.invalidFrame);
      expect(sender.closed?.reason).toMatch(/invalid frame/);
      await settle();
      expect(typists(viewer)).toEqual([]);
      expect(viewer.closed).toBeNull();
      viewer.close();
    });
  }

  it("a flood: frames faster than the refresh are dropped silently; past the frame limit the socket is closed 4429", async () => {
    const room = freshRoom("typing-flood");
    const viewer = await LiveClient.open(room);
    const sender = await LiveClient.open(room);
    // Twenty frames in one go (under the burst): one is shown, the rest dropped, the socket stays open.
    for (let i = 0; i < 20; i++) sender.send(typing({ username: `Ann${i}`, color: ANN.color }));
    await settle();
    expect([...new Set(typists(viewer))]).toEqual(["Ann0"]);
    expect(sender.closed).toBeNull();
    for (let i = 0; i < 200; i++) sender.send(typing(ANN));
    await sender.until(() => sender.closed !== null, "the close");
    expect(sender.closed?.code).toBe(LIVE_CLOSE.flooding);
    viewer.close();
  });

  it("a muted identity or address: nothing broadcast, and the typist is told why with an error frame", async () => {
    const room = freshRoom("typing-muted");
    expect((await mute(room, { username: "Ann", color: ANN.color })).status).toBe(200);
    expect((await mute(room, { address: "203.0.113.7" })).status).toBe(200);
    const viewer = await LiveClient.open(room);
    const byName = await LiveClient.open(room);
    const byAddress = await LiveClient.open(room, "", { "cf-connecting-ip": "203.0.113.7" });
    byName.send(typing(ANN));
    byAddress.send(typing({ username: "Bo", color: "100100100" }));
    for (const c of [byName, byAddress]) {
      await c.until(() => c.of("error").length > 0, "the mute error");
      expect(c.of("error")[0]).toMatchObject({ code: "muted" });
      expect(c.closed).toBeNull();
    }
    await settle();
    expect(typists(viewer)).toEqual([]);
    for (const c of [viewer, byName, byAddress]) c.close();
  });
});

describe("the viewer count", () => {
  it("a new socket learns the count at once; the count goes up on accept and down on close", async () => {
    const room = freshRoom("here");
    const a = await LiveClient.open(room);
    await a.until(() => a.of("activity").length > 0, "a's count");
    expect(a.events[0]?.type).toBe("hello");
    expect(a.of("activity")[0]?.here).toBe(1);
    const b = await LiveClient.open(room);
    const c = await LiveClient.open(room);
    await c.until(() => c.of("activity").length > 0, "c's count");
    expect(c.of("activity")[0]?.here).toBe(3);
    await a.until(() => a.of("activity").at(-1)?.here === 3, "a sees 3");
    c.close();
    await a.until(() => a.of("activity").at(-1)?.here === 2, "a sees 2 after a close", 6_000);
    await b.until(() => b.of("activity").at(-1)?.here === 2, "b sees 2 after a close", 6_000);
    for (const s of [a, b]) s.close();
  });
});

describe("lines", () => {
  it("each entity's waiting ids come in claim order (priority, then seq), with its counts, and follow the claims", async () => {
    const room = freshRoom("lines");
    const live = await LiveClient.open(room);
    await postMessage(room, { id: "late", botParams: { entity: "eve", priority: 5 } });
    await postMessage(room, { id: "urgent", botParams: { entity: "eve", priority: 0 } });
    await postMessage(room, { id: "also-late", botParams: { entity: "eve", priority: 5 } });
    await postMessage(room, { id: "for-max", botParams: { entity: "max" } });
    const lineOf = (entity: string) =>
      live
        .of("lines")
        .at(-1)
        ?.lines.find((l) => l.entity === entity);
    await live.until(() => lineOf("eve")?.next.length === 3 && lineOf("max") !== undefined, "both lines", 6_000);
    expect(lineOf("eve")).toEqual({ entity: "eve", pending: 3, processing: 0, next: ["urgent", "late", "also-late"] });

    // The claim takes the head of the line: what the line said was next is what was claimed.
    const claim = await claimNext(room, "w1", { entities: ["eve"] });
    expect(claim.body.message.id).toBe("urgent");
    await live.until(() => lineOf("eve")?.processing === 1, "the claim in the line", 6_000);
    expect(lineOf("eve")).toEqual({ entity: "eve", pending: 2, processing: 1, next: ["late", "also-late"] });

    const done = await call("POST", `/api/queue/complete?room=${room}`, {
      body: { messageId: "urgent", leaseToken: claim.body.lease.token, reply: { text: "ok" } },
      token: BOT_TOKEN,
    });
    expect(done.status).toBe(200);
    await live.until(() => lineOf("eve")?.processing === 0, "the answer in the line", 6_000);
    expect(lineOf("eve")?.next).toEqual(["late", "also-late"]);
    live.close();
  });

  it("a new socket gets the current lines right after hello", async () => {
    const room = freshRoom("lines-hello");
    await postMessage(room, { id: "q1", botParams: { entity: "eve" } });
    const live = await LiveClient.open(room);
    await live.until(() => live.of("lines").length > 0, "lines");
    expect(live.of("lines")[0]?.lines).toEqual([{ entity: "eve", pending: 1, processing: 0, next: ["q1"] }]);
    live.close();
  });
});
