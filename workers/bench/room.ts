import type { RoomResult } from "../errors";
import { Room as ProductionRoom } from "../room";
import { seedForBench } from "./seed";

/**
 * The bench build's Room: the production class plus what only benchmarks call. Exported under
 * the same class name, so the bench Worker's `ROOM` binding and migrations read as production's.
 */
export class Room extends ProductionRoom {
  /** Appends `count` settled messages, archiving past the hot window as the alarm would. */
  async benchSeed(count: number): Promise<RoomResult<Awaited<ReturnType<typeof seedForBench>>>> {
    return this.work.runAsync(async () => {
      const deps = { db: this.db, messages: this.messages, archive: this.archive };
      const value = await seedForBench(deps, this.name, count, this.archiveOptions, this.clock.now());
      this.changed();
      return { value };
    });
  }
}
