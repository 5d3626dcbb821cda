import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageInput } from "../../types";
import type { ErrorCode } from "../../types/errors";
import { RoomError } from "../errors";
import { Counts } from "./counts";
import { Db } from "./db";
import { Messages } from "./messages";
import { Queue } from "./queue";

// The queue and its leases with time passed in by the test: an expiry is a number, not a wait.
// Each test gets the SQLite storage of a Durable Object of its own (the real engine, inside
// workerd) and builds the queue over it the way the Room does.

const T0 = 1_700_000_000_000;
const LEASE_S = 30;
const LEASE_MS = LEASE_S * 1000;
const MAX_ATTEMPTS = 3;

let rooms = 0;
async function withQueue(run: (q: Queue, ask: (id: string, priority?: number) => void) => void): Promise<void> {
  const stub = env.ROOM.get(env.ROOM.idFromName(`queue-unit-${++rooms}-${Date.now()}`));
  await runInDurableObject(stub, (_room, state) => {
    const db = new Db(state.storage);
    db.migrate(T0);
    // As in the Room: the counts read the head only once the messages exist.
    const counts: Counts = new Counts(db, () => messages.head);
    const messages = new Messages(db, counts);
    let tokens = 0;
    let ids = 0;
    const queue = new Queue(db, messages, counts, {
      maxAttempts: MAX_ATTEMPTS,
      newToken: () => `token-${++tokens}`,
      newId: () => `reply-${++ids}`,
    });
    const ask = (id: string, priority?: number) => {
      const input: MessageInput = {
        id,
        text: `question ${id}`,
        username: "asker",
        color: "100150200",
        botParams: { entity: "sage", ...(priority === undefined ? {} : { priority }) },
      };
      messages.post(input, { now: T0, domain: "test", newId: () => id });
    };
    run(queue, ask);
  });
}

function codeOf(fn: () => unknown): ErrorCode | "no error" {
  try {
    fn();
    return "no error";
  } catch (error) {
    if (error instanceof RoomError) return error.code;
    throw error;
  }
}

describe("Queue (fake time, the room's SQLite)", () => {
  it("a lease lasts exactly its length: not expired a millisecond before, back to pending with one more attempt at it", () =>
    withQueue((q, ask) => {
      ask("q1");
      const { lease } = q.claim("q1", "bot-a", LEASE_S, T0);
      expect(lease.expiresAt).toBe(T0 + LEASE_MS);
      expect(q.nextLeaseExpiry()).toBe(T0 + LEASE_MS);
      expect(q.expireLeases(T0 + LEASE_MS - 1)).toEqual([]);
      expect(q.expireLeases(T0 + LEASE_MS)).toEqual(["q1"]);
      expect(q.nextLeaseExpiry()).toBeNull();
      const [back] = q.pending("sage", 10);
      expect(back).toMatchObject({ id: "q1", botParams: { status: "pending", attempts: 1 } });
      // The expired lease's holder has lost it; the next claim is a new lease.
      expect(codeOf(() => q.heartbeat("q1", lease.token, LEASE_S, T0 + LEASE_MS))).toBe("lease_lost");
      expect(q.claimNext("bot-b", ["sage"], LEASE_S, T0 + LEASE_MS)?.lease.token).not.toBe(lease.token);
    }));

  it("a message whose lease expires maxAttempts times ends failed, with the reason", () =>
    withQueue((q, ask) => {
      ask("q1");
      let now = T0;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        q.claim("q1", `bot-${attempt}`, LEASE_S, now);
        now += LEASE_MS;
        expect(q.expireLeases(now)).toEqual(["q1"]);
      }
      expect(q.pending("sage", 10)).toEqual([]);
      expect(codeOf(() => q.claim("q1", "bot-late", LEASE_S, now))).toBe("conflict");
    }));

  it("a heartbeat moves the expiry to now + lease; only the holder's token may", () =>
    withQueue((q, ask) => {
      ask("q1");
      const { lease } = q.claim("q1", "bot-a", LEASE_S, T0);
      expect(q.heartbeat("q1", lease.token, LEASE_S, T0 + 20_000).expiresAt).toBe(T0 + 20_000 + LEASE_MS);
      expect(q.expireLeases(T0 + LEASE_MS)).toEqual([]);
      expect(codeOf(() => q.heartbeat("q1", "someone-else", LEASE_S, T0 + 21_000))).toBe("lease_lost");
      expect(q.expireLeases(T0 + 20_000 + LEASE_MS)).toEqual(["q1"]);
    }));

  it("a progress renews the lease only once half of it is spent", () =>
    withQueue((q, ask) => {
      ask("q1");
      const { lease } = q.claim("q1", "bot-a", LEASE_S, T0);
      const admit = () => {};
      expect(q.keepAlive("q1", lease.token, LEASE_S, T0 + LEASE_MS / 2 - 1, admit).lease.expiresAt).toBe(T0 + LEASE_MS);
      expect(q.keepAlive("q1", lease.token, LEASE_S, T0 + LEASE_MS / 2 + 1, admit).lease.expiresAt).toBe(
        T0 + LEASE_MS * 1.5 + 1,
      );
    }));

  it("claim-next takes the most urgent first (priority ascending, then arrival)", () =>
    withQueue((q, ask) => {
      ask("default");
      ask("urgent-1", 0);
      ask("urgent-2", 0);
      const order = [1, 2, 3].map(() => q.claimNext("bot-a", ["sage"], LEASE_S, T0)?.message.id);
      expect(order).toEqual(["urgent-1", "urgent-2", "default"]);
      expect(q.claimNext("bot-a", ["sage"], LEASE_S, T0)).toBeNull();
    }));

  it("after an expiry and a new claim, the first holder's complete is refused and only one reply is stored", () =>
    withQueue((q, ask) => {
      ask("q1");
      const first = q.claim("q1", "bot-a", LEASE_S, T0).lease;
      q.expireLeases(T0 + LEASE_MS);
      const second = q.claim("q1", "bot-b", LEASE_S, T0 + LEASE_MS).lease;
      const reply = { text: "an answer", username: "Sage" };
      expect(codeOf(() => q.complete("q1", first.token, reply, T0 + LEASE_MS + 1))).toBe("lease_lost");
      expect(q.complete("q1", second.token, reply, T0 + LEASE_MS + 2)?.id).toBe("reply-1");
      // A repeat by the lease that answered is the same reply; the other lease is told it lost.
      expect(q.complete("q1", second.token, reply, T0 + LEASE_MS + 3)?.id).toBe("reply-1");
      expect(codeOf(() => q.complete("q1", first.token, reply, T0 + LEASE_MS + 4))).toBe("already_answered");
    }));
});
