import { execFileSync, spawnSync } from 'node:child_process';
import { canMakeUsers } from './password-user.js';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * An unprivileged login user for sshd sessions (root's ~/.bashrc runs pyenv, slow and fragile; see
 * TESTING.md). Made once and kept: creating it concurrently from two test files is harmless, since
 * "exists already" is what both want. Undefined where users cannot be made (not root).
 */
export function ensureTestUser(name = 'burrowcli'): TestUser | undefined {
  if (!canMakeUsers) return undefined;
  if (spawnSync('id', ['-u', name]).status !== 0) {
    // Exit 9: made meanwhile by another test file.
    const made = spawnSync('useradd', ['-m', '-s', '/bin/sh', name]);
    if (made.status !== 0 && made.status !== 9) throw new Error(`useradd ${name}: ${made.stderr.toString().trim()}`);
  }
  // A '!' password (useradd's default) makes OpenSSH treat the account as locked, even for keys.
  execFileSync('usermod', ['-p', '*', name]);
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { name, uid, gid };
}
