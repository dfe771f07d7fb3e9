import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * The account the test sshd runs sessions as.
 *
 * OpenSSH runs every command, forced or not, through the user's login shell, and Debian's bash reads
 * ~/.bashrc for commands that come over ssh: root's rc files on a shared machine (pyenv, a stale lock) made
 * every session slow or hang. As root the tests log in as `burrowtest`, a user with /bin/sh and a home
 * without rc files; elsewhere (a developer's laptop) as the current user.
 */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export const SSH_TEST_USER = 'burrowtest';
/** A second user whose bash ~/.bashrc is slow and prints a banner, for the one test about such remotes. */
export const SLOW_RC_USER = 'burrowslowrc';
export const SLOW_RC_BANNER = 'Welcome to the slow rc box';
/** Set by the global setup so workers need not check the account again. */
export const TEST_USER_ENV = 'BURROW_TEST_SSH_USER';

/** Creating a login user needs root and useradd; tests that need one skip with this reason otherwise. */
export const canMakeUsers = process.getuid?.() === 0 && spawnSync('useradd', ['--help']).status === 0;

// Several vitest workers, or several checkouts on one machine, may create the same user at once:
// every change to the account happens under this lock (flock: released by the kernel if we die).
const LOCK_FILE = '/run/lock/burrow-test-users.lock';

/** Runs an account command (useradd, chpasswd, userdel) under the same lock, so concurrent ones never clash on /etc/passwd's. */
export function underUserLock(command: string, args: string[], input?: string): void {
  execFileSync('flock', ['-w', '60', LOCK_FILE, command, ...args], { input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
}

// Runs under the lock. useradd also fails while some other tool holds /etc/passwd's own lock (exit 10):
// retried; "already exists" (exit 9) is success.
const ENSURE_SCRIPT = `
set -e
name=$1; shell=$2; skel=$3
tries=0
until getent passwd "$name" >/dev/null; do
  useradd -m -k "$skel" -s "$shell" "$name" && break
  tries=$((tries + 1))
  [ "$tries" -lt 20 ] || { echo "could not create user $name" >&2; exit 1; }
  sleep 0.25
done
[ "$(getent passwd "$name" | cut -d: -f7)" = "$shell" ] || usermod -s "$shell" "$name"
# "!" (useradd's default) is a locked account, which OpenSSH refuses even for keys; "*" is "no password".
case "$(getent shadow "$name" | cut -d: -f2)" in '!'*) usermod -p '*' "$name" ;; esac
`;

function lookUp(name: string): TestUser {
  const fields = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim().split(':');
  return { name, uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5], shell: fields[6] };
}

function currentUser(): TestUser {
  const me = userInfo();
  return { name: me.username, uid: me.uid, gid: me.gid, home: me.homedir, shell: me.shell ?? '/bin/sh' };
}

/** Creates (or adopts) `name` with `shell`, and makes its home hold exactly `rcFiles` of the rc files. */
export function ensureUser(name: string, shell: string, rcFiles: Record<string, string> = {}): TestUser {
  const emptySkel = mkdtempSync(join(tmpdir(), 'burrow-skel-'));
  try {
    execFileSync('flock', ['-w', '60', LOCK_FILE, 'sh', '-c', ENSURE_SCRIPT, 'sh', name, shell, emptySkel], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`cannot set up the test user ${name}: ${stderr || (error as Error).message}`);
  } finally {
    rmSync(emptySkel, { recursive: true, force: true });
  }
  const user = lookUp(name);
  mkdirSync(user.home, { recursive: true, mode: 0o755 });
  chownSync(user.home, user.uid, user.gid);
  // Someone else may have made the account with /etc/skel's files: the home holds only what we ask for.
  for (const rc of ['.bashrc', '.bash_profile', '.bash_login', '.profile', '.bash_logout']) {
    const path = join(user.home, rc);
    if (rc in rcFiles) {
      writeFileSync(path, rcFiles[rc], { mode: 0o644 });
      chownSync(path, user.uid, user.gid);
    } else if (existsSync(path)) {
      rmSync(path, { force: true });
    }
  }
  return user;
}

/**
 * Fails with one clear line when `user` cannot run `run` (node at process.execPath) or read `read` (the MCP
 * server): sshd runs the forced command as that user, and a 0700 parent folder (say /root) would make every
 * session exit 126 with a message only the sshd log shows.
 */
export function assertUserCanUse(user: TestUser, run: string[], read: string[]): void {
  if (user.uid === process.getuid?.()) return;
  const script = 'n=$1; shift; i=0; for p; do i=$((i + 1)); if [ "$i" -le "$n" ]; then [ -x "$p" ]; else [ -r "$p" ]; fi || { echo "$p"; exit 1; }; done';
  const check = spawnSync('runuser', ['-u', user.name, '--', 'sh', '-c', script, 'sh', String(run.length), ...run, ...read], { encoding: 'utf8' });
  if (check.status !== 0) {
    const path = check.stdout.trim() || check.stderr.trim();
    throw new Error(`the test user ${user.name} cannot ${run.includes(path) ? 'run' : 'read'} ${path}: open it and every folder above it to that user (chmod o+rx)`);
  }
}

let sshUser: TestUser | undefined;

/** The user test sessions log in as: `burrowtest` when we can make users, else whoever runs the tests. */
export function sshTestUser(): TestUser {
  if (sshUser) return sshUser;
  const named = process.env[TEST_USER_ENV];
  if (named) sshUser = named === userInfo().username ? currentUser() : lookUp(named);
  else sshUser = canMakeUsers ? ensureUser(SSH_TEST_USER, '/bin/sh') : currentUser();
  return sshUser;
}

/**
 * A throwaway-style unprivileged user of its own (the CLI tests run commands as it, and log in as it):
 * made once under the lock, /bin/sh, no rc files. Undefined where users cannot be made (not root).
 */
export function ensureTestUser(name = 'burrowcli'): TestUser | undefined {
  return canMakeUsers ? ensureUser(name, '/bin/sh') : undefined;
}

/**
 * Whether other users can run this checkout's MCP server: false when the global setup found the checkout
 * closed to the test user (under /root, say) and fell back to the current user.
 */
export function otherUsersCanRunServer(): boolean {
  return canMakeUsers && sshTestUser().uid !== process.getuid?.();
}

/** A user whose login shell is bash and whose ~/.bashrc takes half a second and prints a banner (root only). */
export function slowRcUser(): TestUser {
  return ensureUser(SLOW_RC_USER, '/bin/bash', { '.bashrc': `sleep 0.5\necho '${SLOW_RC_BANNER}'\n` });
}
