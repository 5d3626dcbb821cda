import type { Archive } from "../room/archive";
import type { ArchiveOptions } from "../room/archive-options";
import type { Db } from "../room/db";
import type { Messages } from "../room/messages";

const TEXT = "Has anyone tried the new model yet? It answers everything in haiku now, which is fun for a while.";

/**
 * Bench build only (reached through `/api/_bench/seed`, workers/bench/): appends `count`
 * settled messages a segment at a time, archiving through the real writer whenever a whole
 * segment is over the hot window, so a room of a million messages is built in minutes.
 */
export async function seedForBench(
  deps: { db: Db; messages: Messages; archive: Archive },
  room: string,
  count: number,
  options: ArchiveOptions,
  now: number,
): Promise<{ head: number; hotRows: number; archivedMessages: number }> {
  const { db, messages, archive } = deps;
  for (let done = 0; done < count; ) {
    const n = Math.min(options.segmentSize, count - done);
    db.transaction(() => {
      for (let i = 0; i < n; i++) {
        const seq = messages.head + 1;
        messages.insert({
          id: `seed-${seq}`,
          now,
          clientTimestamp: null,
          text: TEXT,
          username: `seed${seq % 97}`,
          color: "080160240",
          domain: "bench",
          type: "human",
          replyTo: null,
          context: null,
          bot: null,
        });
      }
    });
    done += n;
    while (archive.due(options)) {
      const { run } = await archive.run(room, { ...options, segmentsPerRun: 50 }, now);
      if (run.error) throw new Error(run.error);
      if (run.segments === 0) break;
    }
  }
  const stats = archive.stats();
  return { head: messages.head, hotRows: stats.hotRows, archivedMessages: stats.archivedMessages };
}
