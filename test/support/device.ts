import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from './sshd.js';

/** The unprivileged user the device's sshd runs sessions as (root's ~/.bashrc is slow here; see TESTING.md). */
export const DEVICE_LOGIN = 'burrowdev';

/** Creates the device login user once; harmless when another test file made it at the same time. */
export function ensureDeviceUser(): void {
  if (spawnSync('id', ['-u', DEVICE_LOGIN]).status === 0) return;
  const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', DEVICE_LOGIN]);
  // 9: the user exists already (a concurrent creation won the race).
  if (made.status !== 0 && made.status !== 9 && spawnSync('id', ['-u', DEVICE_LOGIN]).status !== 0) throw new Error(`useradd ${DEVICE_LOGIN} failed: ${made.stderr}`);
  // OpenSSH refuses a locked account ("!" in the password field); "*" means no password, but not locked.
  execFileSync('usermod', ['-p', '*', DEVICE_LOGIN]);
}

/** An edge device's own sshd: logins as DEVICE_LOGIN with the fixture's client key run server-everything. */
export async function startDeviceSshd(extraConfig: string[] = []): Promise<SshdFixture> {
  ensureDeviceUser();
  const dir = mkdtempSync(join(tmpdir(), 'burrow-device-'));
  chmodSync(dir, 0o755);
  const sshd = await startSshd({ dir, forcedCommand: EVERYTHING_COMMAND, extraConfig });
  // sshd reads authorized_keys as the logging-in user.
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  return sshd;
}

export interface DeviceDial {
  child: ChildProcess;
  stderr(): string;
  /** Resolves with ssh's exit code. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A device key pair (its own, not the one Burrow logs in to its sshd with). */
export function makeDeviceKey(dir: string, name = 'device_ed25519'): { key: string; pub: string } {
  const key = join(dir, name);
  const pub = keygen(key);
  return { key, pub };
}

/** A known_hosts file that pins Burrow's embedded server: what a careful device has (StrictHostKeyChecking=yes). */
export function pinBurrowServer(home: string, listenPort: number, dir: string): string {
  const pub = readFileSync(join(home, 'server_host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const file = join(dir, 'burrow_known_hosts');
  writeFileSync(file, `[127.0.0.1]:${listenPort} ${pub}\n`);
  return file;
}

/** OpenSSH's own client as a device runs it, with extra ssh arguments (e.g. -R, -W, a command). */
export function sshToBurrow(opts: { listenPort: number; key: string; knownHosts: string }, args: string[], command: string[] = []): DeviceDial {
  const child = spawn(
    'ssh',
    [
      '-F', '/dev/null',
      '-o', 'BatchMode=yes',
      '-o', 'StrictHostKeyChecking=yes',
      '-o', `UserKnownHostsFile=${opts.knownHosts}`,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'ExitOnForwardFailure=yes',
      '-i', opts.key,
      '-p', String(opts.listenPort),
      ...args,
      'burrow@127.0.0.1',
      ...command,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `ssh -N -R TUNNEL:127.0.0.1:SSHD …`: the device dials in and holds its tunnel open. */
export function dialIn(opts: { listenPort: number; key: string; knownHosts: string }, tunnelPort: number, sshdPort: number): DeviceDial {
  return sshToBurrow(opts, ['-N', '-o', 'ServerAliveInterval=5', '-R', `${tunnelPort}:127.0.0.1:${sshdPort}`]);
}

/** Polls `check` until it returns a value, or fails with `what` after the deadline. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
