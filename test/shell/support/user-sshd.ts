import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startSshd, type SshdFixture } from '../../support/sshd.js';

/** The unprivileged account the shell tests log in as (root's ~/.bashrc runs pyenv on every SSH command). */
export const TEST_USER = 'burrowtest';

/** Creates the test user once; concurrent test files may race here, and a second useradd failing is fine. */
export function ensureTestUser(): void {
  if (spawnSync('id', [TEST_USER]).status === 0) return;
  spawnSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER]);
  // '*' instead of '!': OpenSSH refuses accounts it considers locked, even for key logins.
  spawnSync('usermod', ['-p', '*', TEST_USER]);
  if (spawnSync('id', [TEST_USER]).status !== 0) throw new Error(`could not create the test user ${TEST_USER} (the shell tests run as root)`);
}

/** A real sshd serving server-everything to TEST_USER (sshd reads authorized_keys as that user). */
export async function startUserSshd(): Promise<SshdFixture> {
  ensureTestUser();
  const sshd = await startSshd();
  chmodSync(sshd.dir, 0o755);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o644);
  return sshd;
}
