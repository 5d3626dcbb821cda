import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client.ts";
import { createLogger } from "./log.ts";
import { createProgressReporter } from "./progress-reporter.ts";

/** A clock and timer queue the test advances by hand: no sleeps. */
function fakeTime() {
  let now = 0;
  const timers: { at: number; fn: () => void; live: boolean }[] = [];
  return {
    now: () => now,
    schedule(fn: () => void, ms: number) {
      const timer = { at: now + ms, fn, live: true };
      timers.push(timer);
      return () => {
        timer.live = false;
      };
    },
    async advance(ms: number) {
      now += ms;
      for (const t of timers.filter((t) => t.live && t.at <= now)) {
        t.live = false;
        t.fn();
      }
      await Promise.resolve();
    },
  };
}

function setup(answer: (text: string) => Promise<unknown> = async () => ({}), gapAfterAnswerMs = 0) {
  const time = fakeTime();
  const sent: { text: string; at: number }[] = [];
  const lost: string[] = [];
  const warnings: string[] = [];
  const reporter = createProgressReporter({
    send: (text) => {
      sent.push({ text, at: time.now() });
      return answer(text);
    },
    shown: (raw) => (raw.trim() ? raw.trim() : null),
    onLost: (reason) => lost.push(reason),
    intervalMs: 150,
    gapAfterAnswerMs,
    log: createLogger({ json: true, write: (line) => warnings.push(line) }),
    now: time.now,
    schedule: time.schedule,
  });
  return { time, sent, lost, warnings, reporter };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("progress reporter", () => {
  it("sends the first text at once, then at most one every interval, always the newest text", async () => {
    const { time, sent, reporter } = setup();
    reporter.update("He");
    await flush();
    for (const [ms, text] of [
      [30, "Hel"],
      [30, "Hell"],
      [30, "Hello"],
    ] as const) {
      await time.advance(ms);
      reporter.update(text);
    }
    await time.advance(60);
    await flush();
    expect(sent).toEqual([
      { text: "He", at: 0 },
      { text: "Hello", at: 150 },
    ]);
    // Nothing new: no call.
    await time.advance(1_000);
    expect(sent).toHaveLength(2);
  });

  it("never has two calls in flight: a slow answer delays the next text instead of piling calls up", async () => {
    let release: () => void = () => {};
    const { time, sent, reporter } = setup(() => new Promise<void>((r) => (release = r)));
    reporter.update("a");
    await time.advance(500);
    reporter.update("ab");
    reporter.update("abc");
    await time.advance(500);
    expect(sent.map((s) => s.text)).toEqual(["a"]);
    release();
    await flush();
    expect(sent.map((s) => s.text)).toEqual(["a", "abc"]);
  });

  it("after a slow answer it still leaves the room's minimum gap, so the next call is not refused as too fast", async () => {
    let release: () => void = () => {};
    const { time, sent, reporter } = setup(() => new Promise<void>((r) => (release = r)), 100);
    reporter.update("a");
    await time.advance(140);
    reporter.update("ab");
    release();
    await flush();
    // Answered at 140 ms: the interval alone would allow 150 ms, the gap after the answer says 240.
    await time.advance(10);
    expect(sent.map((s) => s.at)).toEqual([0]);
    await time.advance(90);
    await flush();
    expect(sent).toEqual([
      { text: "a", at: 0 },
      { text: "ab", at: 240 },
    ]);
  });

  it("skips text that shows nothing yet, and stops after stop()", async () => {
    const { time, sent, reporter } = setup();
    reporter.update("   ");
    await time.advance(200);
    expect(sent).toEqual([]);
    reporter.update("x");
    await flush();
    reporter.stop();
    await time.advance(200);
    reporter.update("xy");
    await time.advance(200);
    expect(sent.map((s) => s.text)).toEqual(["x"]);
  });

  it("a lost lease (409) ends the job and sends nothing more; another refusal is only logged", async () => {
    let answer: Promise<unknown> = Promise.reject(new ApiError("rate_limited", "too fast", { status: 429 }));
    answer.catch(() => {});
    const { time, sent, lost, warnings, reporter } = setup(() => answer);
    reporter.update("a");
    await flush();
    expect(lost).toEqual([]);
    expect(warnings.join("\n")).toContain("too fast");
    answer = Promise.reject(new ApiError("lease_lost", "lease lost", { status: 409 }));
    answer.catch(() => {});
    await time.advance(200);
    reporter.update("ab");
    await flush();
    expect(lost).toEqual(["lease lost"]);
    await time.advance(200);
    reporter.update("abc");
    await time.advance(200);
    expect(sent.map((s) => s.text)).toEqual(["a", "ab"]);
  });

  it("a state such as 'thinking' is sent once however often it is heard, then the text as it grows", async () => {
    const time = fakeTime();
    const THINKING = { phase: "thinking" } as const;
    const sent: Array<string | typeof THINKING> = [];
    const reporter = createProgressReporter<string | typeof THINKING>({
      send: async (view) => sent.push(view),
      shown: (raw, reasoned) => (raw ? raw : reasoned ? THINKING : null),
      onLost: () => {},
      intervalMs: 150,
      log: createLogger({ json: true, write: () => {} }),
      now: time.now,
      schedule: time.schedule,
    });
    reporter.update("", true);
    await flush();
    for (let i = 0; i < 5; i++) {
      await time.advance(200);
      reporter.update("", true);
      await flush();
    }
    reporter.update("An", true);
    await time.advance(200);
    await flush();
    expect(sent).toEqual([THINKING, "An"]);
  });
});
