import { describe, expect, it } from "vitest";
import { KeepAlive, type Schedule } from "./keep-alive";

/** Timers that fire only when the test moves the clock. */
class FakeClock {
  now = 0;
  private timers: { at: number; run: () => void; live: boolean }[] = [];
  schedule: Schedule = (run, ms) => {
    const timer = { at: this.now + ms, run, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.live = false;
      this.now = next.at;
      next.run();
    }
    this.now = until;
  }
}

function setup() {
  const clock = new FakeClock();
  const calls: string[] = [];
  const keepAlive = new KeepAlive({
    schedule: clock.schedule,
    idleMs: 25_000,
    answerWithinMs: 10_000,
    ping: () => calls.push(`ping@${clock.now}`),
    dead: () => calls.push(`dead@${clock.now}`),
  });
  return { clock, calls, keepAlive };
}

describe("KeepAlive (live socket keep-alive)", () => {
  it("sends nothing while frames keep arriving: a busy room costs no pings", () => {
    const { clock, calls, keepAlive } = setup();
    keepAlive.heard();
    for (let i = 0; i < 600; i++) {
      clock.advance(200); // 5 frames a second for two minutes
      keepAlive.heard();
    }
    expect(calls).toEqual([]);
  });

  it("pings after 25 s of silence, and an answer starts the idle period again", () => {
    const { clock, calls, keepAlive } = setup();
    keepAlive.heard();
    clock.advance(24_999);
    expect(calls).toEqual([]);
    clock.advance(1);
    expect(calls).toEqual(["ping@25000"]);
    clock.advance(40); // the pong
    keepAlive.heard();
    clock.advance(25_000);
    expect(calls).toEqual(["ping@25000", "ping@50040"]);
  });

  it("declares the socket dead when nothing answers within 10 s of a ping", () => {
    const { clock, calls, keepAlive } = setup();
    keepAlive.heard();
    clock.advance(35_000);
    expect(calls).toEqual(["ping@25000", "dead@35000"]);
    clock.advance(60_000);
    expect(calls).toHaveLength(2); // no pings into a dead socket
  });

  it("stop() cancels both the ping and the dead verdict", () => {
    const { clock, calls, keepAlive } = setup();
    keepAlive.heard();
    clock.advance(25_000);
    keepAlive.stop();
    clock.advance(60_000);
    expect(calls).toEqual(["ping@25000"]);
  });
});
