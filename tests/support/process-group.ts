// Signals for a whole process group (wrangler and its workerd, npm and its children), used by
// everything that starts the Worker as a child: tests, chaos runs and benchmarks.
import { sleep } from "./waiting.ts";

/** Sends `signal` to every process of the group; a group that is already gone is fine. */
export function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // The group is already gone.
  }
}

export function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until no process of the group is left, or `ms` passed; true when the group is gone. */
export async function groupGone(group: number, ms: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (groupAlive(group) && Date.now() < deadline) await sleep(everyMs);
  return !groupAlive(group);
}
