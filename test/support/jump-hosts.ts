import { startSshd, type SshdOptions, type SshdFixture } from './sshd.js';
import { canMakeUsers, ensureUser } from './test-user.js';

/** Creating a login user needs root and useradd; tests that need one skip with this reason otherwise. */
export { canMakeUsers };

/**
 * An unprivileged login for test sessions (root's ~/.bashrc runs pyenv on every ssh command):
 * the shared fixture, made under a lock so parallel test files and checkouts can ask at once.
 */
export function ensureTestUser(name: string): void {
  ensureUser(name, '/bin/sh');
}

/**
 * An sshd whose files the test user can read (the fixture's folder is 0755 and authorized_keys 0644,
 * since sshd reads it as that user): its own folder and port, LogLevel VERBOSE so each login is one
 * "Accepted publickey" line.
 */
export function startUserSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  return startSshd(options);
}
