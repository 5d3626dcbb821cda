import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LIVE_CLOSE } from "../../types";
import { LiveConnection, reconnectsAfter } from "./live-connection";

/** A socket the test drives by hand: it opens, says hello, and closes with the code the test picks. */
class ScriptedSocket extends EventTarget {
  static opened: ScriptedSocket[] = [];
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSING = 2;
  readonly CLOSED = 3;
  readyState = 0;
  binaryType = "blob";
  constructor(readonly url: string) {
    super();
    ScriptedSocket.opened.push(this);
  }
  send(): void {}
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
    const hello = { type: "hello", head: 0, cursor: 0, drafts: [], entities: [] };
    this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(hello) }));
  }
  closeWith(code: number, reason: string): void {
    this.readyState = 3;
    // Node has no CloseEvent: an Event carrying what a browser's close event carries.
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason, wasClean: true }));
  }
}

function connection() {
  const live = new LiveConnection({
    origin: "https://sww.test",
    room: undefined,
    filter: { channel: "ALL", users: [] },
    cursor: () => 0,
    onEvent: () => {},
    WebSocketImpl: ScriptedSocket as unknown as typeof WebSocket,
    random: () => 0,
  });
  live.start();
  return live;
}

describe("LiveConnection and the room's close codes (fake timers)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    ScriptedSocket.opened = [];
  });
  afterEach(() => vi.useRealTimers());

  it(`a close with ${LIVE_CLOSE.tooManySockets} (too many sockets from this network) stops reconnecting and says crowded`, async () => {
    const live = connection();
    await vi.advanceTimersByTimeAsync(0);
    expect(ScriptedSocket.opened).toHaveLength(1);
    ScriptedSocket.opened[0]?.open();
    expect(live.current).toBe("live");
    ScriptedSocket.opened[0]?.closeWith(LIVE_CLOSE.tooManySockets, "this network already has 8 live connections");
    expect(live.current).toBe("crowded");
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ScriptedSocket.opened).toHaveLength(1);
    expect(live.current).toBe("crowded");
    live.stop();
  });

  it("any other drop reconnects, with the cursor in the URL", async () => {
    const live = connection();
    await vi.advanceTimersByTimeAsync(0);
    ScriptedSocket.opened[0]?.open();
    ScriptedSocket.opened[0]?.closeWith(1006, "");
    expect(live.current).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ScriptedSocket.opened.length).toBeGreaterThan(1);
    expect(ScriptedSocket.opened.at(-1)?.url).toContain("cursor=0");
    live.stop();
  });

  it("reconnectsAfter: only the refusal that would repeat is final", () => {
    expect(reconnectsAfter(LIVE_CLOSE.tooManySockets)).toBe(false);
    for (const code of [1000, 1006, 1011, LIVE_CLOSE.flooding]) expect(reconnectsAfter(code)).toBe(true);
  });
});
