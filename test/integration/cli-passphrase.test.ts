import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow, INITIALIZE } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, keygen, sshdAvailable, startSshd, type SshdFixture } from '../support/sshd.js';
import { ensureTestUser } from '../support/test-user.js';

/**
 * A passphrase-protected key through a real sshd, with each way `connect --host` takes the
 * passphrase: --passphrase (kept for m2m, hidden from ps once read), --passphrase-file and
 * $BURROW_PASSPHRASE. The session logs in as an unprivileged user, who also plays "another local user".
 */
const PASS = 'correct horse battery staple';
const user = sshdAvailable() ? ensureTestUser() : undefined;
let sshd: SshdFixture;
let dir: string;
let lockedKey: string;

beforeAll(async () => {
  if (!user) return;
  dir = mkdtempSync(join(tmpdir(), 'burrow-cli-pass-'));
  lockedKey = join(dir, 'locked_ed25519');
  const pub = keygen(lockedKey, 'ed25519', PASS);
  sshd = await startSshd({ extraAuthorizedKeys: [`command="${EVERYTHING_COMMAND}",no-pty ${pub}`] });
  // sshd reads authorized_keys as the user who logs in.
  chmodSync(sshd.dir, 0o755);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o644);
});
afterAll(() => sshd?.stop());

const args = (extra: string[]) => ['--host', '127.0.0.1', '--port', String(sshd.port), '--username', user!.name, '--known-hosts', sshd.knownHostsFile, '--client-key', lockedKey, '--no-agent', ...extra];

async function callSum(extra: string[], env: Record<string, string>) {
  const c = await connectClient(args(extra), env);
  try {
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    return { c, pid: c.transport.pid! };
  } catch (error) {
    await c.close();
    throw error;
  }
}

const lastLine = (stderr: string) => stderr.trim().split('\n').pop() ?? '';

describe.skipIf(!user)('connect --host with a passphrase-protected key', () => {
  it('--passphrase works, and once read ps shows *** in its place, also to another local user', async () => {
    const { c, pid } = await callSum(['--passphrase', PASS], burrowEnv());
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      expect(cmdline).not.toContain(PASS);
      const seen = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { uid: user!.uid, gid: user!.gid, encoding: 'utf8' });
      expect(seen.status).toBe(0);
      expect(seen.stdout).not.toContain('horse');
      expect(seen.stdout.trim()).toBe(`burrow connect ${args(['--passphrase', '***']).join(' ')}`);
    } finally {
      await c.close();
    }
  });

  it('--passphrase=P (one argument) is hidden as well', async () => {
    const { c, pid } = await callSum([`--passphrase=${PASS}`], burrowEnv());
    try {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain('horse');
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('--passphrase=***');
    } finally {
      await c.close();
    }
  });

  it('--passphrase-file reads the first line, and warns when other users can read the file', async () => {
    const file = join(dir, 'pass.txt');
    writeFileSync(file, `${PASS}\nanything after the first line is ignored\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    const quiet = await callSum(['--passphrase-file', file], burrowEnv());
    await quiet.c.close();
    expect(quiet.c.stderr()).toBe('');

    chmodSync(file, 0o644);
    const warned = await callSum(['--passphrase-file', file], burrowEnv());
    await warned.c.close();
    expect(warned.c.stderr()).toContain(`${file} (--passphrase-file) can be read by other users: chmod 600 ${file}`);
  });

  it('BURROW_PASSPHRASE supplies it without a flag, and is not on the command line', async () => {
    const { c, pid } = await callSum([], burrowEnv({ BURROW_PASSPHRASE: PASS }));
    try {
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain('horse');
      // The environment of a process is readable by its own user only.
      const other = spawnSync('cat', [`/proc/${pid}/environ`], { uid: user!.uid, gid: user!.gid, encoding: 'utf8' });
      expect(other.status).not.toBe(0);
      expect(other.stderr).toContain('Permission denied');
    } finally {
      await c.close();
    }
  });

  it('says in one line when the file is missing, empty or the passphrase wrong, and never logs in', async () => {
    const logins = sshd.acceptedLogins();
    const missing = await runBurrow(['connect', ...args(['--passphrase-file', join(dir, 'nope')])], burrowEnv(), `${INITIALIZE}\n`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`burrow: connect: --passphrase-file: no such file: ${join(dir, 'nope')}\n`);
    expect(missing.stdout).toBe('');

    const emptyFile = join(dir, 'empty.txt');
    writeFileSync(emptyFile, '', { mode: 0o600 });
    const empty = await runBurrow(['connect', ...args(['--passphrase-file', emptyFile])], burrowEnv(), `${INITIALIZE}\n`);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe(`burrow: connect: --passphrase-file ${emptyFile} is empty; its first line should be the passphrase\n`);

    const wrong = await runBurrow(['connect', ...args([])], burrowEnv({ BURROW_PASSPHRASE: 'not it' }), `${INITIALIZE}\n`, 30_000, true);
    expect(wrong.code).toBe(1);
    expect(lastLine(wrong.stderr)).toBe(`burrow: cannot decrypt key ${lockedKey}: wrong passphrase`);

    const both = await runBurrow(['connect', ...args(['--passphrase', 'x', '--passphrase-file', emptyFile])], burrowEnv());
    expect(both.code).toBe(1);
    expect(both.stderr).toBe('burrow: connect: give --passphrase-file or --passphrase, not both\n');
    expect(sshd.acceptedLogins()).toBe(logins);
  });
});
