import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineSplitter } from '../core/framing/line-splitter.js';
import { connectToDaemon, helloLine } from '../core/ipc/ipc-client.js';
import { CONTROL_PREFIX, decodeControl } from '../core/ipc/ipc-protocol.js';
import { describeFileError, makeDir } from '../core/file-errors.js';
import { burrowHome, logDir } from '../core/paths.js';

const say = (message: string) => process.stderr.write(`burrow: ${message}\n`);

/**
 * The helper MCP hosts start: a byte pipe between stdio and the engine's socket.
 * Lines from the engine starting with "!" are notices for us (status, errors), never protocol.
 */
export async function connectViaDaemon(remote: string, logLevel: string, approvalTimeoutSec?: number): Promise<number> {
  const verbose = /^(info|debug)$/i.test(logLevel);
  const { socket, info } = await reachDaemon(verbose);
  return new Promise((resolve) => {
    let exitCode = 0;
    let failed = false;
    let stdinEnded = false;
    let waitingForDrain = false;
    const splitter = new LineSplitter((line) => {
      if (line[0] === CONTROL_PREFIX) {
        const notice = decodeControl(line);
        if (!notice) return;
        if (notice.type === 'error') {
          failed = true;
          exitCode = 1;
          say(notice.message);
        } else {
          say(notice.message);
        }
        return;
      }
      // Corked per chunk, so several lines of one chunk may report a full buffer: wait for one drain.
      if (!process.stdout.write(line) && !waitingForDrain) {
        waitingForDrain = true;
        socket.pause();
        process.stdout.once('drain', () => {
          waitingForDrain = false;
          socket.resume();
        });
      }
    });
    socket.on('data', (chunk: Buffer) => {
      // All messages of one chunk reach the host in one write, not one syscall each.
      process.stdout.cork();
      splitter.push(chunk);
      process.stdout.uncork();
    });
    socket.on('error', (error) => {
      if (!failed) say(`lost the connection to the Burrow daemon: ${error.message}`);
      exitCode = 1;
    });
    let finished = false;
    // The daemon ending its side ends the session, even while the host keeps stdin open.
    const finish = () => {
      if (finished) return;
      finished = true;
      splitter.flush();
      if (!failed && !stdinEnded) {
        say('the Burrow daemon closed the connection');
        exitCode = 1;
      }
      // Let stdout drain before the exit code is final.
      process.stdout.write('', () => resolve(exitCode));
    };
    socket.on('end', finish);
    socket.on('close', finish);
    socket.write(helloLine({ op: 'connect', token: info.token, remote, approvalTimeoutSec }));
    process.stdin.on('end', () => {
      stdinEnded = true;
      socket.end();
    });
    process.stdin.pipe(socket, { end: false });
  });
}

async function reachDaemon(verbose: boolean): Promise<Awaited<ReturnType<typeof connectToDaemon>>> {
  try {
    return await connectToDaemon();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw new Error(`cannot reach the Burrow daemon: ${(error as Error).message}`);
  }
  if (verbose) say('no Burrow daemon is running; starting one');
  return startDaemonAndConnect();
}

/** Starts `burrow daemon` in the background and waits for its socket; says why if it cannot start. */
async function startDaemonAndConnect(): Promise<{ socket: Socket; info: NonNullable<Awaited<ReturnType<typeof connectToDaemon>>['info']> }> {
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
