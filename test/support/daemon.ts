import { spawn, type ChildProcess } from 'node:child_process';
import { BURROW_BIN, burrowEnv } from './burrow-process.js';
import { recordPid } from './run-state.js';
import { startSshd, type SshdFixture, type SshdOptions } from './sshd.js';
import { addSshdRemote } from './sshd-remote.js';

export interface DaemonHandle {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  stop: () => Promise<void>;
}

const ENGINE_LISTENING = /listening on .* \(pid \d+\)/;

/** Starts `burrow daemon ARGS` and resolves once it listens (its log says so on stderr). */
export function startDaemon(env: Record<string, string>, args: string[] = []): Promise<DaemonHandle> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BURROW_BIN, 'daemon', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) recordPid(child.pid, 'burrow-daemon');
    let stderr = '';
    let stdout = '';
    const handle: DaemonHandle = {
      child,
      stderr: () => stderr,
      stdout: () => stdout,
      stop: () =>
        new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    };
    const timer = setTimeout(() => reject(new Error(`daemon did not start: ${stderr}`)), 15_000);
    // The engine's socket line ("listening on PATH (pid N)"), not the embedded SSH server's, which comes earlier,
    // before the demo remote is saved and before the socket takes helpers.
    const ready = () => ENGINE_LISTENING.test(stderr) && (!args.includes('--ui') || stdout.includes('Burrow UI:'));
    const check = () => {
      if (ready()) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      check();
    });
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      check();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code}: ${stderr}`));
    });
  });
}

/** A test sshd serving server-everything, saved as remote `name` in a fresh Burrow home, and a daemon for that home. */
export interface DaemonLab {
  sshd: SshdFixture;
  env: Record<string, string>;
  daemon: DaemonHandle;
  /** The daemon, then the sshd. */
  stop: () => Promise<void>;
}

export interface DaemonLabOptions {
  /** How the sshd is started (default: server-everything forced for the client key). */
  sshd?: SshdOptions;
  /** More `burrow remote add` flags for the remote. */
  remoteArgs?: string[];
  /** `burrow daemon` flags. */
  daemonArgs?: string[];
}

export async function startDaemonLab(name = 'lab', options: DaemonLabOptions = {}): Promise<DaemonLab> {
  const sshd = await startSshd(options.sshd);
  try {
    const env = burrowEnv();
    await addSshdRemote(env, name, sshd, options.remoteArgs);
    const daemon = await startDaemon(env, options.daemonArgs);
    return {
      sshd,
      env,
      daemon,
      stop: async () => {
        await daemon.stop();
        sshd.stop();
      },
    };
  } catch (error) {
    sshd.stop();
    throw error;
  }
}
