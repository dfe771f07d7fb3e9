import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DaemonInfo } from '../core/ipc/daemon-info.js';
import { connectToDaemon } from '../core/ipc/ipc-client.js';
import { describeFileError, makeDir } from '../core/file-errors.js';
import { burrowHome, logDir } from '../core/paths.js';

/**
 * Starts `burrow daemon` in the background and waits for its socket; says why if it cannot start. Used by the
 * helper and the CLI when no engine runs; a module of its own so the helper's usual path loads no child_process.
 */
export async function startDaemonAndConnect(): Promise<{ socket: Socket; info: DaemonInfo }> {
  const dir = logDir();
  const startLog = join(dir, 'daemon-start.log');
  let fd: number;
  try {
    makeDir(dir, 0o700);
    fd = openSync(startLog, 'w', 0o600);
  } catch (error) {
    throw new Error(`cannot start the Burrow daemon: ${describeFileError(error, startLog, 'write its start log')} (the daemon keeps its settings, socket and logs in ${burrowHome()}; set BURROW_HOME to a folder you can write)`);
  }
  const entry = fileURLToPath(new URL('./burrow.js', import.meta.url));
  const child = spawn(process.execPath, [entry, 'daemon', '--background'], {
    detached: true,
    stdio: ['ignore', 'ignore', fd],
    env: process.env,
  });
  closeSync(fd);
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? 1;
  });
  child.on('error', () => {
    exited = 1;
  });
  child.unref();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      return await connectToDaemon();
    } catch {
      // Exit code 0: another daemon won the race to start; keep polling for it.
      if (exited !== null && exited !== 0) {
        const lastLine = readFileSync(startLog, 'utf8').trim().split('\n').pop() || `exit code ${exited}`;
        throw new Error(`could not start the Burrow daemon: ${lastLine.replace(/^burrow: (error: )?/, '')}`);
      }
    }
  }
  throw new Error(`started the Burrow daemon, but its socket did not answer within 15s (see ${startLog})`);
}
