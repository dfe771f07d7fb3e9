import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type SshdOptions, type SshdFixture } from './sshd.js';

/** Creating a login user needs root and useradd; tests that need one skip with this reason otherwise. */
export const canMakeUsers = process.getuid?.() === 0 && spawnSync('useradd', ['--help']).status === 0;

/**
 * An unprivileged login for test sessions (root's ~/.bashrc runs pyenv on every ssh command).
 * Safe to call from parallel test files: an existing user is left as it is.
 */
export function ensureTestUser(name: string): void {
  if (spawnSync('id', ['-u', name]).status !== 0) {
    const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', name], { encoding: 'utf8' });
    // 9: created meanwhile by another test file.
    if (made.status !== 0 && made.status !== 9) throw new Error(`useradd ${name} failed: ${made.stderr}`);
  }
  // Without a password field other than "!", OpenSSH treats the account as locked even for keys.
  spawnSync('usermod', ['-p', '*', name]);
}

/**
 * An sshd whose files the test user can read (sshd reads authorized_keys as that user): its own
 * folder and port, LogLevel VERBOSE so each login is one "Accepted publickey" line.
 */
export async function startUserSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-sshd-'));
  chmodSync(dir, 0o755);
  const sshd = await startSshd({ ...options, dir });
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  return sshd;
}
