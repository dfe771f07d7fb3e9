/**
 * CPU time a process has used, in nanoseconds, for the bench. /proc/PID/stat counts in clock ticks (10 ms), too
 * coarse for 300 calls of a fraction of a millisecond each; the scheduler's own count (/proc/PID/task/TID/schedstat,
 * every thread) is exact. It does not depend on how busy the rest of the machine is, which wall-clock times do.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Nanoseconds on a CPU so far, over all threads of the process; NaN where /proc has no schedstat. */
export function cpuNs(pid: number): number {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return NaN;
  }
  let ns = 0;
  for (const tid of tids) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read: its time is lost, a few microseconds at most.
    }
  }
  return ns;
}

/** CPU milliseconds a process has used so far. */
export function cpuMs(pid: number): number {
  return cpuNs(pid) / 1e6;
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The direct children of a process (Linux: the children file of each of its tasks in /proc). */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}
