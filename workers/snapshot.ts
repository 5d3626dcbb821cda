import { z } from "zod";
import { type CommentsPage, type Message, messageSchema } from "../types";

/** How many recent messages the KV snapshot holds. */
export const SNAPSHOT_SIZE = 200;

/** The KV value: the recent window and the seq it covers (everything ≤ seq is in it or older). */
export const snapshotSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().min(0),
  /** The change rev it reflects (O9, moderation); a snapshot written before moderation existed reflects none. */
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

/** What the room adds to a snapshot read: the messages after its seq, and the refreshed open ones. */
export interface SnapshotDelta extends CommentsPage {
  /** The current rows of the snapshot's open addressed messages (see {@link openAddressedIds}). */
  refreshed: Message[];
}

/**
 * The snapshot's addressed messages that were still open (pending or processing) when it was
 * written. Their queue state may have moved on since (snapshot writes are coalesced to 1/s), and a
 * stale `processed: false` would make the predecessor's bot answer a settled question twice, so the
 * read refreshes exactly these: a few indexed rows, never the whole window.
 */
export function openAddressedIds(snapshot: Snapshot): string[] {
  return snapshot.comments
    .filter((m) => m.seq <= snapshot.seq && (m.botParams?.status === "pending" || m.botParams?.status === "processing"))
    .map((m) => m.id);
}
