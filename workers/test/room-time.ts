import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Room } from "../room";

/**
 * Moves a room's clock forward (workers/room/clock.ts): a lease expires, or the snapshot's
 * one-write-a-second interval passes, without the test sleeping through it.
 */
export async function advanceRoomClock(room: string, ms: number): Promise<void> {
  const stub = env.ROOM.get(env.ROOM.idFromName(room));
  await runInDurableObject(stub, (instance: Room) => instance.clock.advance(ms));
}

/** Stops a room's clock: it moves only by advanceRoomClock from here on. */
export async function freezeRoomClock(room: string): Promise<void> {
  const stub = env.ROOM.get(env.ROOM.idFromName(room));
  await runInDurableObject(stub, (instance: Room) => instance.clock.freeze());
}
