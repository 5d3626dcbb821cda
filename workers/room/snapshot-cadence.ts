// How often a room writes its KV snapshot; plain constants, so the cost model (bench/) reads the same.
/** KV accepts one write per second per key: never write a room's snapshot more often. */
export const SNAPSHOT_MIN_INTERVAL_MS = 1_000;
/**
 * While changes keep coming, one write per this long. Each write reads the recent window and puts
 * it whole (~1 ms of the room's CPU per post at 5 posts a second, bench/fanout-profile.ts), and a
 * reader loses nothing to an older snapshot: it resumes from the snapshot's seq. KV itself lets
 * other locations see a write up to a minute late, so a once-a-second cadence bought no freshness
 * there either.
 */
export const SNAPSHOT_BUSY_INTERVAL_MS = 5_000;
