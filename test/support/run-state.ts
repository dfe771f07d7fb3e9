import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One folder per `vitest run`, made by the global setup (test/support/global-setup.ts) and named in
 * $BURROW_TEST_RUN_DIR for every worker. Fixtures put their temporary folders in it and write the pid of
 * every process they start to its `pids` file, so the global teardown can end them all even when a test
 * failed before its own afterAll ran.
 */
export const RUN_DIR_ENV = 'BURROW_TEST_RUN_DIR';

export function runDir(): string | undefined {
  return process.env[RUN_DIR_ENV] || undefined;
}

/**
 * A new temporary folder inside the run folder (or the system temp folder when no global setup ran).
 * Opened to others (0755) when `shared`, for files sshd reads as the unprivileged test user.
 */
export function tempDir(prefix: string, shared = false): string {
  const dir = mkdtempSync(join(runDir() ?? tmpdir(), `${prefix}-`));
  if (shared) chmodSync(dir, 0o755);
  return dir;
}

/**
 * Records a process this run started, with its start time: the teardown kills a pid only while the same
 * process still holds it (8 people share this machine; a recycled pid is someone else's process).
 */
export function recordPid(pid: number, what: string): void {
  const dir = runDir();
  if (!dir || !pid) return;
  const started = startTime(pid);
  if (started === undefined) return;
  appendFileSync(join(dir, 'pids'), `${pid} ${started} ${what.replace(/\s+/g, '_')}\n`);
}

/** Records a throwaway login user this run made, for the teardown to delete if its test could not. */
export function recordUser(name: string): void {
  const dir = runDir();
  if (dir) appendFileSync(join(dir, 'users'), `${name}\n`);
}

export function recordedUsers(dir: string): string[] {
  try {
    return readFileSync(join(dir, 'users'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export interface RecordedProcess {
  pid: number;
  started: string;
  what: string;
}

export function recordedProcesses(dir: string): RecordedProcess[] {
  let text = '';
  try {
    text = readFileSync(join(dir, 'pids'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, started, what] = line.split(' ');
      return { pid: Number(pid), started, what };
    });
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot): with the pid, it names one process. */
export function startTime(pid: number): string | undefined {
  const stat = procStat(pid);
  return stat?.[19];
}

/** The fields of /proc/PID/stat after the command name (state is [0], ppid [1]), or undefined when it is gone. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie waiting for its parent. */
export function isRunning(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat[0] !== 'Z';
}

/** Pids in /proc (Linux); none elsewhere, where the teardown can only do less. */
function procPids(): string[] {
  try {
    return readdirSync('/proc');
  } catch {
    return [];
  }
}

/** Every live process's parent, read from /proc (Linux). */
function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of procPids()) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (!stat) continue;
    const ppid = Number(stat[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  return children;
}

/** Children of a process, recursively. */
export function descendants(root: number): number[] {
  const children = parentMap();
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** The command line of a process, arguments joined by spaces ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

/** The environment a process started with (empty when it is gone or not ours to read). */
export function environment(pid: number): Record<string, string> {
  try {
    const env: Record<string, string> = {};
    for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  } catch {
    return {};
  }
}

/**
 * Processes that carry this run's folder in their environment: every `burrow` process a test started
 * inherits it, so this also finds a daemon that a helper started in the background (whose pid no test
 * was told). The vitest processes themselves are left out by the caller.
 */
export function processesOfRun(dir: string): number[] {
  const mark = `${RUN_DIR_ENV}=${dir}`;
  const found: number[] = [];
  for (const entry of procPids()) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(mark)) found.push(Number(entry));
    } catch {
      // gone, or another user's
    }
  }
  return found;
}
