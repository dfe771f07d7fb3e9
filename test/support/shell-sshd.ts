import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ssh2';
import { startSshd, type SshdFixture } from './sshd.js';

/** The unprivileged login the built-in tools' tests use: /bin/sh, a password for sudo, a sudoers rule. */
export const TOOLS_USER = 'burrowtools';
/** Test-only password of TOOLS_USER (what sudo asks for). */
export const TOOLS_PASSWORD = 'tools-sudo-pw-7f3a';

/** Root, useradd, bash and Debian's sudo: what these tests need (CI installs sudo in .ci/run). */
export const canRunShellSshd =
  process.getuid?.() === 0 && spawnSync('useradd', ['--help']).status === 0 && existsSync('/usr/bin/sudo') && existsSync('/bin/bash') && existsSync('/usr/sbin/sshd');

/**
 * Creates TOOLS_USER if missing, sets its password and its sudoers rule. Safe to run from several test files at
 * once: every step is idempotent and "already exists" is not an error.
 */
export function ensureToolsUser(): void {
  if (spawnSync('id', ['-u', TOOLS_USER]).status !== 0) {
    const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', TOOLS_USER], { encoding: 'utf8' });
    // 9: the user exists (another test file made it meanwhile).
    if (made.status !== 0 && made.status !== 9) throw new Error(`useradd ${TOOLS_USER}: ${made.stderr.trim()}`);
  }
  execFileSync('chpasswd', { input: `${TOOLS_USER}:${TOOLS_PASSWORD}\n` });
  const rule = `${TOOLS_USER} ALL=(ALL:ALL) ALL\n`;
  const file = `/etc/sudoers.d/${TOOLS_USER}`;
  if (!existsSync(file) || readFileSync(file, 'utf8') !== rule) {
    writeFileSync(`${file}.tmp`, rule, { mode: 0o440 });
    execFileSync('mv', ['-f', `${file}.tmp`, file]);
  }
}

export interface ShellSshd extends SshdFixture {
  user: string;
  /** A new ssh2 Client logged in as TOOLS_USER, the host key checked against the fixture's. */
  connect(): Promise<Client>;
}

/** A real sshd with no forced command: a login shell, exec, `internal-sftp` and TCP forwarding for TOOLS_USER. */
export async function startShellSshd(): Promise<ShellSshd> {
  ensureToolsUser();
  const sshd = await startSshd({ forcedCommand: null, extraConfig: ['Subsystem sftp internal-sftp', 'AllowTcpForwarding yes', `AllowUsers ${TOOLS_USER}`] });
  // sshd reads authorized_keys as the user: let it.
  chmodSync(sshd.dir, 0o755);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o644);
  const hostKey = Buffer.from(readFileSync(`${sshd.hostKeyFile}.pub`, 'utf8').trim().split(/\s+/)[1], 'base64');
  const privateKey = readFileSync(sshd.clientKey);
  const connect = () =>
    new Promise<Client>((resolve, reject) => {
      const client = new Client();
      client.once('ready', () => resolve(client));
      client.once('error', reject);
      client.connect({ host: '127.0.0.1', port: sshd.port, username: TOOLS_USER, privateKey, hostVerifier: (key: Buffer) => key.equals(hostKey), readyTimeout: 20_000 });
    });
  return { ...sshd, user: TOOLS_USER, connect };
}
