import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { descendants, isRunning, processesOfRun, recordedProcesses, recordedUsers, RUN_DIR_ENV, startTime } from './run-state.js';
import { assertUserCanUse, sshTestUser, TEST_USER_ENV, underUserLock } from './test-user.js';
import { EVERYTHING_SERVER } from './sshd.js';
import { waitFor } from './wait-for.js';

/**
 * vitest's globalSetup: runs once in the main process before any test file, and its returned teardown runs
 * after the last one, pass or fail. It makes the run folder, sets up the test user once (so workers never
 * race on useradd), and at the end stops every process the run started and removes the folder.
 */
export default function setup(): () => Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-run-'));
  // The sshd fixtures' folders inside must be reachable by the test user.
  chmodSync(dir, 0o755);
  // Workers are started after this and inherit it, and so does every process they start.
  process.env[RUN_DIR_ENV] = dir;

  if (process.platform === 'linux') {
    const user = sshTestUser();
    try {
      // sshd runs the forced command (node + the MCP server) as this user.
      assertUserCanUse(user, [process.execPath], [EVERYTHING_SERVER]);
      process.env[TEST_USER_ENV] = user.name;
    } catch (error) {
      // A checkout under a 0700 folder (say /root): every session would exit 126. Run them as ourselves instead,
      // and say so: our own rc files now run in every session.
      const me = userInfo().username;
      console.warn(`global setup: ${(error as Error).message}; test sessions log in as ${me} instead, and its shell's rc files run in each`);
      process.env[TEST_USER_ENV] = me;
    }
  }

  return async () => {
    const left = await endProcessesOfRun(dir);
    if (left.length) console.warn(`global teardown: stopped ${left.length} process(es) the tests left running: ${left.join(', ')}`);
    // Throwaway password users whose test ended before it could delete them (the shared test users stay).
    for (const user of recordedUsers(dir)) {
      if (spawnSync('getent', ['passwd', user]).status !== 0) continue;
      try {
        underUserLock('userdel', [user]);
        console.warn(`global teardown: deleted the test user ${user}`);
      } catch (error) {
        console.warn(`global teardown: could not delete the test user ${user}: ${(error as Error).message}`);
      }
    }
    if (process.env.BURROW_KEEP_TEST_FILES) console.warn(`global teardown: kept the run's files in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * Ends what the run started: every recorded pid still held by the same process, everything still carrying
 * the run folder in its environment (a daemon a helper started in the background), and their children
 * (sshd's per-connection processes and the MCP servers under them). SIGTERM, then SIGKILL after 5 s.
 * Returns "what(pid)" for each process that was still running.
 */
export async function endProcessesOfRun(dir: string): Promise<string[]> {
  const names = new Map<number, string>();
  for (const p of recordedProcesses(dir)) if (startTime(p.pid) === p.started && isRunning(p.pid)) names.set(p.pid, p.what);
  // The vitest processes carry the mark too: this one, and its workers (its children), are not ours to end.
  const vitest = new Set([process.pid, ...childrenOf(process.pid)]);
  for (const pid of processesOfRun(dir)) if (!vitest.has(pid) && isRunning(pid) && !names.has(pid)) names.set(pid, commandName(pid));
  const all = new Set<number>();
  for (const pid of names.keys()) for (const p of [pid, ...descendants(pid)]) all.add(p);
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of all) {
      try {
        process.kill(pid, sig);
      } catch {
        // exited meanwhile
      }
    }
  };
  signal('SIGTERM');
  try {
    await waitFor(() => [...all].every((pid) => !isRunning(pid)), 5_000, () => 'processes did not end on SIGTERM');
  } catch {
    signal('SIGKILL');
  }
  return [...names].map(([pid, what]) => `${what}(${pid})`);
}

function childrenOf(pid: number): number[] {
  return descendants(pid).filter((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  });
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'process';
  }
}
