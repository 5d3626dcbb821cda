import { describe, expect, it } from "vitest";
import { LIVE, type Line, type ServerEvent } from "../../types";
import { Coalescer, type Timers } from "./coalescer";
import { Presence } from "./presence";
import { TYPING_MIN_GAP_MS, Typists } from "./typists";

/** Hand-driven time: timers fire only when the test moves the clock past them. */
class ManualTimers implements Timers {
  private at = 1_000_000;
  private nextHandle = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  now = () => this.at;
  set = (fn: () => void, ms: number) => {
    const handle = this.nextHandle++;
    this.due.set(handle, { at: this.at + Math.max(0, ms), fn });
    return handle;
  };
  clear = (handle: unknown) => {
    this.due.delete(handle as number);
  };
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.at + ms;
    for (;;) {
      const next = [...this.due].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.due.delete(next[0]);
      this.at = next[1].at;
      next[1].fn();
    }
    this.at = end;
  }
}

/** A socket that records what it was sent. */
function socket(): WebSocket & { frames: ServerEvent[] } {
  const frames: ServerEvent[] = [];
  return { frames, send: (data: string) => frames.push(JSON.parse(data)) } as unknown as WebSocket & {
    frames: ServerEvent[];
  };
}

const ANN = { username: "Ann", color: "255100100" };
const BEN = { username: "Ben", color: "100255100" };

function room(
  opts: { lines?: () => Line[]; muted?: (who: { username: string; address: string | null }) => boolean } = {},
) {
  const timers = new ManualTimers();
  const sockets: ReturnType<typeof socket>[] = [];
  let linesBuilt = 0;
  const presence = new Presence(
    {
      sockets: () => sockets,
      lines: () => {
        linesBuilt++;
        return opts.lines?.() ?? [];
      },
      muted: (who) => opts.muted?.(who) ?? false,
    },
    timers,
  );
  const join = () => {
    const ws = socket();
    sockets.push(ws);
    presence.accepted(ws);
    return ws;
  };
  const leave = (ws: WebSocket, id: string) => {
    sockets.splice(sockets.indexOf(ws as ReturnType<typeof socket>), 1);
    presence.closed(id);
  };
  return { timers, sockets, presence, join, leave, linesBuilt: () => linesBuilt };
}

const activities = (ws: { frames: ServerEvent[] }) =>
  ws.frames.filter((f): f is Extract<ServerEvent, { type: "activity" }> => f.type === "activity");

describe("Coalescer (injected clock)", () => {
  it("flushes the first change on the next turn, then at most once per interval however many changes come", () => {
    const timers = new ManualTimers();
    let flushes = 0;
    const c = new Coalescer(timers, 2_000, () => flushes++);
    c.changed();
    c.changed();
    expect(flushes).toBe(0);
    timers.advance(0);
    expect(flushes).toBe(1);
    for (let i = 0; i < 100; i++) {
      c.changed();
      timers.advance(10);
    }
    // 1 s of changes after a flush: one more flush, at the interval's end.
    expect(flushes).toBe(1);
    timers.advance(1_000);
    expect(flushes).toBe(2);
    timers.advance(10_000);
    expect(flushes).toBe(2);
  });
});

describe("Typists", () => {
  it("drops a socket's frames that come sooner than the refresh allows, and names at most three, newest first", () => {
    const t = new Typists();
    expect(t.admit("s1", 0)).toBe(true);
    expect(t.admit("s1", TYPING_MIN_GAP_MS - 1)).toBe(false);
    expect(t.admit("s2", 1)).toBe(true);
    expect(t.admit("s1", TYPING_MIN_GAP_MS)).toBe(true);
    for (const [i, name] of ["a", "b", "c", "d", "e"].entries()) t.typing(`s${i}`, { username: name, color: "1" }, i);
    // Two tabs of the same person count once.
    t.typing("s9", { username: "e", color: "1" }, 9);
    const snap = t.snapshot(7);
    expect(snap).toEqual({
      here: 7,
      typing: [
        { username: "e", color: "1" },
        { username: "d", color: "1" },
        { username: "c", color: "1" },
      ],
      typingCount: 5,
    });
    expect(t.nextExpiryAt()).toBe(LIVE.typingExpiryMs);
    expect(t.expire(LIVE.typingExpiryMs + 2)).toBe(true);
    expect(t.snapshot(0).typingCount).toBe(2);
  });
});

describe("Presence", () => {
  it("coalesces: many joins and typists make at most one activity frame per interval, the same for every socket", () => {
    const r = room();
    const first = r.join();
    expect(activities(first)).toEqual([{ type: "activity", here: 1, typing: [], typingCount: 0 }]);
    r.timers.advance(0);
    // The room-wide flush repeats what the newcomer was told at hello (no per-socket bookkeeping).
    expect(activities(first)).toHaveLength(2);
    r.timers.advance(LIVE.activityIntervalMs * 5);
    expect(activities(first)).toHaveLength(2);

    const others = Array.from({ length: 50 }, () => r.join());
    r.presence.typing("x1", null, { ...ANN, typing: true });
    r.presence.typing("x2", null, { ...BEN, typing: true });
    r.timers.advance(0);
    const sent = activities(first).at(-1);
    expect(sent).toEqual({ type: "activity", here: 51, typing: [BEN, ANN], typingCount: 2 });
    // 50 joins and two typists in one turn: one frame, the very same for every socket.
    expect(activities(first)).toHaveLength(3);
    for (const ws of others) expect(activities(ws).at(-1)).toEqual(sent);

    // Within the interval, more changes wait for its end and go out together.
    r.join();
    r.timers.advance(1_000);
    const CY = { username: "Cy", color: "100100255" };
    r.presence.typing("x3", null, { ...CY, typing: true });
    r.timers.advance(LIVE.activityIntervalMs - 1_000 - 1);
    expect(activities(first)).toHaveLength(3);
    r.timers.advance(1);
    expect(activities(first)).toHaveLength(4);
    expect(activities(first).at(-1)).toEqual({ type: "activity", here: 52, typing: [CY, BEN, ANN], typingCount: 3 });
  });

  it("a typist who stops sending disappears by itself after the expiry; typing: false and a close take it at once", () => {
    const r = room();
    const viewer = r.join();
    r.presence.typing("a", null, { ...ANN, typing: true });
    r.timers.advance(0);
    expect(activities(viewer).at(-1)?.typing).toEqual([ANN]);
    r.timers.advance(LIVE.typingExpiryMs - 1);
    expect(activities(viewer).at(-1)?.typing).toEqual([ANN]);
    r.timers.advance(1);
    expect(activities(viewer).at(-1)).toMatchObject({ typing: [], typingCount: 0 });

    r.timers.advance(LIVE.activityIntervalMs);
    r.presence.typing("a", null, { ...ANN, typing: true });
    r.timers.advance(LIVE.activityIntervalMs);
    expect(activities(viewer).at(-1)?.typing).toEqual([ANN]);
    // A stop right after a send is never too early.
    r.presence.typing("a", null, { ...ANN, typing: false });
    r.timers.advance(LIVE.activityIntervalMs);
    expect(activities(viewer).at(-1)?.typingCount).toBe(0);

    const gone = r.join();
    r.timers.advance(LIVE.activityIntervalMs);
    expect(activities(viewer).at(-1)?.here).toBe(2);
    r.leave(gone, "whatever");
    r.timers.advance(LIVE.activityIntervalMs);
    expect(activities(viewer).at(-1)?.here).toBe(1);
  });

  it("a continuous typist refreshing every typingRefreshMs stays shown without any further activity frame", () => {
    const r = room();
    const viewer = r.join();
    for (let i = 0; i < 10; i++) {
      expect(r.presence.typing("a", null, { ...ANN, typing: true })).toBe("shown");
      r.timers.advance(LIVE.typingRefreshMs);
    }
    const frames = activities(viewer);
    // hello's count, then the typist once: 30 s of typing cost one broadcast.
    expect(frames).toHaveLength(2);
    expect(frames.at(-1)?.typing).toEqual([ANN]);
  });

  it("drops too-frequent frames and a muted identity's typing: nothing is broadcast", () => {
    const r = room({ muted: (who) => who.username === "Ben" || who.address === "10.0.0.9" });
    const viewer = r.join();
    r.timers.advance(0);
    expect(r.presence.typing("b", null, { ...BEN, typing: true })).toBe("muted");
    expect(r.presence.typing("c", "10.0.0.9", { ...ANN, typing: true })).toBe("muted");
    expect(r.presence.typing("a", null, { ...ANN, typing: true })).toBe("shown");
    expect(r.presence.typing("a", null, { ...ANN, username: "Spam", typing: true })).toBe("dropped");
    r.timers.advance(LIVE.activityIntervalMs);
    expect(activities(viewer).at(-1)).toMatchObject({ typing: [ANN], typingCount: 1 });
  });

  it("lines: built once per flush for everyone, never while nobody watches, and sent to a new socket at once", () => {
    const line: Line = { entity: "eve", pending: 2, processing: 1, next: ["q2", "q3"] };
    const r = room({ lines: () => [line] });
    r.presence.queueMoved();
    r.timers.advance(10_000);
    expect(r.linesBuilt()).toBe(0);

    const a = r.join();
    const b = r.join();
    // Built once for both accepts (the queue did not move between them).
    expect(r.linesBuilt()).toBe(1);
    for (const ws of [a, b])
      expect(ws.frames.filter((f) => f.type === "lines")).toEqual([{ type: "lines", lines: [line] }]);
    for (let i = 0; i < 20; i++) r.presence.queueMoved();
    r.timers.advance(LIVE.activityIntervalMs);
    expect(r.linesBuilt()).toBe(2);
    for (const ws of [a, b]) expect(ws.frames.filter((f) => f.type === "lines")).toHaveLength(2);
  });
});
