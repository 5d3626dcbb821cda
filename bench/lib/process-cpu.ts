import { readdirSync, readFileSync } from "node:fs";

/** Cumulative CPU nanoseconds of each thread (`pid/tid`) of a process group, at one moment. */
export type CpuReading = Map<string, number>;

/**
 * Reads the CPU time so far of every thread of every live process in a process group, from
 * Linux's per-thread scheduler statistics (nanosecond resolution). Null where /proc is absent.
 * The benchmark charges a burst of requests with the server's CPU across it: unlike wall-clock
 * throughput, CPU per request barely moves when other programs compete for the cores.
 */
export function readProcessGroupCpu(groupId: number, onlyCommand?: string): CpuReading | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const reading: CpuReading = new Map();
  for (const pid of pids) {
    try {
      if (processGroupOf(readFileSync(`/proc/${pid}/stat`, "utf8")) !== groupId) continue;
      // e.g. "workerd": the runtime alone, without wrangler's dev proxy and bundler around it.
      if (onlyCommand && readFileSync(`/proc/${pid}/comm`, "utf8").trim() !== onlyCommand) continue;
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
        reading.set(`${pid}/${tid}`, ns);
      }
    } catch {
      // The process or thread exited while we looked: it no longer counts.
    }
  }
  return reading;
}

/**
 * CPU milliseconds spent between two readings. Per thread, so a helper process that exits in
 * between (wrangler's bundler does) takes only its own time with it, not a chunk of the total;
 * a thread born in between counts whole.
 */
export function cpuMsBetween(before: CpuReading, after: CpuReading): number {
  let ns = 0;
  for (const [thread, total] of after) ns += Math.max(0, total - (before.get(thread) ?? 0));
  return ns / 1e6;
}

/** `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so parse after the last `)`. */
function processGroupOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[2]);
}
