import type { RoomResult, StorageUsage } from "../errors";
import { addUsage } from "./db";

export interface LongPollDeps {
  now: () => number;
  /** Parks until woken or `ms` have passed (Waiters.wait). */
  wait: (ms: number) => Promise<void>;
}

/**
 * Runs `pass` until it fails, `ready` says it has something, or the deadline passes, and reports
 * the storage work of every pass, not just the last: a long-poll that re-checked three times
 * read three times.
 */
export async function longPoll<T>(
  deps: LongPollDeps,
  deadline: number,
  pass: () => RoomResult<T>,
  ready: (value: T) => boolean,
): Promise<RoomResult<T>> {
  let usage: StorageUsage = { rowsRead: 0, rowsWritten: 0, kvWrites: 0 };
  for (;;) {
    const result = pass();
    usage = addUsage(usage, result.usage);
    if (!result.ok || ready(result.value) || deps.now() >= deadline) return { ...result, usage };
    await deps.wait(deadline - deps.now());
  }
}
