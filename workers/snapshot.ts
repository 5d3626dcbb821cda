import { z } from "zod";
import { messageSchema } from "../types";

/** How many recent messages the KV snapshot holds. */
export const SNAPSHOT_SIZE = 200;

/** The KV value: the recent window and the seq it covers (everything ≤ seq is in it or older). */
export const snapshotSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().min(0),
  /** The change rev it reflects (issue 15); a snapshot written before moderation existed reflects none. */
  rev: z.number().int().min(0).default(0),
  comments: z.array(messageSchema),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const snapshotKey = (room: string) => `snapshot:v1:${room}`;

/** Reads a snapshot; a missing, unparsable or ill-shaped value is `null` (the caller falls back). */
export async function readSnapshot(kv: KVNamespace, room: string): Promise<Snapshot | null> {
  const raw = await kv.get(snapshotKey(room));
  if (raw === null) return null;
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: corrupt JSON is the same as no snapshot
  }
  console.warn(`[snapshot] ${room}: corrupt snapshot ignored; the room will rewrite it`);
  return null;
}
