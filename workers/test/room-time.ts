import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Room } from "../room";
import { SNAPSHOT_BUSY_INTERVAL_MS } from "../room/snapshot-writer";

/**
 * Moves a room's clock forward (workers/room/clock.ts): a lease expires, or the snapshot's
 * coalescing interval passes, without the test sleeping through it.
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

/**
 * Moves the room past the snapshot's longest coalescing interval (a busy room's), then runs its
 * alarm, which writes the snapshot that is due.
 */
export async function flushSnapshot(room: string): Promise<void> {
  await advanceRoomClock(room, SNAPSHOT_BUSY_INTERVAL_MS + 100);
  await runDurableObjectAlarm(env.ROOM.get(env.ROOM.idFromName(room)));
}
