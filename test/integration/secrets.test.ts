import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { webApiCaller } from '../support/web-api.js';
import { startClient, startRawHelper } from '../support/helper-process.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { canMakeUsers, startPasswordLogin, type PasswordLogin } from '../support/password-user.js';
import { waitFor } from '../support/wait-for.js';

const PASSPHRASE = `open sesame ${process.pid}`;
let sshd: SshdFixture;
let lockedKey: string;

beforeAll(async () => {
  const keys = mkdtempSync(join(tmpdir(), 'burrow-secret-keys-'));
  lockedKey = join(keys, 'locked_ed25519');
  const pub = keygen(lockedKey, 'ed25519', PASSPHRASE);
  sshd = await startSshd({ extraAuthorizedKeys: [`command="${EVERYTHING_COMMAND}",no-pty ${pub}`] });
});
afterAll(() => sshd?.stop());

const daemons: DaemonHandle[] = [];
afterAll(async () => {
  for (const d of daemons) await d.stop();
});

interface WebApi {
  call: (method: string, ...args: unknown[]) => Promise<unknown>;
}

/** `burrow daemon --ui`, closing each SSH connection with its last session so every connect is a new login. */
async function daemonWithUi(env: Record<string, string>): Promise<WebApi> {
  const d = await startDaemon(env, ['--ui', '--ui-port', '0', '--idle-timeout', '0', '--no-prestart']);
  daemons.push(d);
  const m = /Burrow UI: (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(d.stdout())!;
  const [, origin, token] = m;
  return { call: webApiCaller(origin, token) };
}

async function addRemote(env: Record<string, string>, name: string, extra: string[], port = sshd.port, known = sshd.knownHostsFile): Promise<void> {
  const added = await runBurrow(['remote', 'add', name, '--host', '127.0.0.1', '--port', String(port), '--known-hosts', known, '--no-agent', ...extra], env);
  expect(added.stderr).toBe('');
  expect(added.code).toBe(0);
}

async function waitForSecret(api: WebApi): Promise<Record<string, unknown>> {
  let pending: Record<string, unknown>[] = [];
  const secret = () => pending.find((p) => p.kind === 'secret');
  await waitFor(
    async () => {
      pending = (await api.call('pendingApprovals')) as Record<string, unknown>[];
      return secret() !== undefined;
    },
    10_000,
    () => `no secret request appeared: ${JSON.stringify(pending)}`,
    50,
  );
  return secret()!;
}

/** Waits until the daemon has let go of the remote's SSH connection (--idle-timeout 0 closes it with its last session). */
async function waitForDisconnect(api: WebApi, name: string): Promise<void> {
  let statuses: { name: string; state: string }[] = [];
  await waitFor(
    async () => {
      statuses = (await api.call('remoteStatuses')) as { name: string; state: string }[];
      return statuses.find((s) => s.name === name)?.state === 'disconnected';
    },
    10_000,
    () => `${name} never disconnected: ${JSON.stringify(statuses)}`,
    50,
  );
}

async function callSum(client: Client): Promise<void> {
  const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
  expect(JSON.stringify(sum.content)).toContain('42');
}

function filesContaining(dir: string, secret: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => join(f.parentPath, f.name))
    .filter((path) => readFileSync(path).includes(secret));
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

describe('a saved remote whose key needs a passphrase, served by burrow daemon', () => {
  it('waits and says so, goes on once the passphrase is entered through the API, and does not ask again', async () => {
    const env = burrowEnv();
    const api = await daemonWithUi(env);
    await addRemote(env, 'locked', ['--user', sshd.user, '--key', lockedKey]);

    const waiting = startClient(['--remote', 'locked'], env);
    await waiting.waitForStderr(/waiting for the passphrase of key \S*locked_ed25519 for locked: enter it in Burrow/);
    const request = await waitForSecret(api);
    expect(request).toMatchObject({ kind: 'secret', secret: 'passphrase', remote: 'locked', host: '127.0.0.1', port: sshd.port, user: sshd.user, keyPath: lockedKey });
    expect(waiting.stderr()).toContain(`burrow secrets enter ${request.id as string}`);
    const statuses = (await api.call('remoteStatuses')) as { name: string; state: string; detail?: string }[];
    expect(statuses.find((s) => s.name === 'locked')).toMatchObject({ state: 'waiting-approval', detail: expect.stringContaining('the passphrase of key') });

    const logins = sshd.acceptedLogins();
    await api.call('answerSecret', request.id, PASSPHRASE);
    await waiting.connected;
    await callSum(waiting.client);
    await waiting.close();
    expect(sshd.acceptedLogins()).toBe(logins + 1);
    expect(await api.call('pendingApprovals')).toEqual([]);
    await waitForDisconnect(api, 'locked');

    // The connection closed with its session (--idle-timeout 0): a new login, with the remembered passphrase.
    const again = await connectClient(['--remote', 'locked'], env);
    await callSum(again.client);
    await again.close();
    expect(again.stderr()).not.toContain('waiting for the passphrase');
    expect(sshd.acceptedLogins()).toBe(logins + 2);

    expect(filesContaining(env.BURROW_HOME, PASSPHRASE)).toEqual([]);
    for (const d of daemons) expect(d.stderr() + d.stdout()).not.toContain(PASSPHRASE);
  });

  it('a wrong passphrase fails the session in one line, is forgotten, and is asked again (answered with burrow secrets enter)', async () => {
    const env = burrowEnv();
    await daemonWithUi(env);
    await addRemote(env, 'locked2', ['--user', sshd.user, '--key', lockedKey]);

    const first = startRawHelper(['--remote', 'locked2'], env);
    await first.waitForStderr(/waiting for the passphrase of key/);
    const listed = await runBurrow(['secrets', 'list', '--json'], env);
    const [request] = JSON.parse(listed.stdout) as { id: string; remote: string }[];
    expect(request.remote).toBe('locked2');
    const human = await runBurrow(['secrets', 'list'], env);
    expect(human.stdout).toContain(`${request.id}  the passphrase of key ${lockedKey} (locked2, ${sshd.user}@127.0.0.1:${sshd.port})`);

    const wrong = await runBurrow(['secrets', 'enter', request.id], env, 'not the passphrase\n');
    expect(wrong.stderr).toBe('');
    expect(wrong.code).toBe(0);
    expect(await first.exited).not.toBe(0);
    const error = lastLine(first.stderr());
    expect(error).toMatch(/cannot decrypt key \S*locked_ed25519: wrong passphrase/);
    expect(error).toContain('will ask again on the next connection');

    const second = startClient(['--remote', 'locked2'], env);
    await second.waitForStderr(/waiting for the passphrase of key/);
    const right = await runBurrow(['secrets', 'enter', request.id], env, `${PASSPHRASE}\n`);
    expect(right.code).toBe(0);
    await second.connected;
    await callSum(second.client);
    await second.close();
  });

  it('a refused request ends the waiting session with a clear error; the secret never appears in argv', async () => {
    const env = burrowEnv();
    const api = await daemonWithUi(env);
    await addRemote(env, 'locked3', ['--user', sshd.user, '--key', lockedKey]);
    const helper = startRawHelper(['--remote', 'locked3'], env);
    await helper.waitForStderr(/waiting for the passphrase of key/);
    const request = await waitForSecret(api);
    const extraArg = await runBurrow(['secrets', 'enter', request.id as string, 'on-the-command-line'], env);
    expect(extraArg.code).not.toBe(0);
    expect(extraArg.stderr).toContain('give one ID');
    await api.call('refuseSecret', request.id);
    expect(await helper.exited).not.toBe(0);
    expect(lastLine(helper.stderr())).toMatch(/the passphrase of key \S*locked_ed25519 for locked3 was not given \(cancelled in Burrow\)/);
    await expect(api.call('answerSecret', request.id, 'late')).rejects.toThrow(/no passphrase or password with id/);
  });
});

describe.skipIf(!canMakeUsers)('a saved remote that logs in with a password (needs root to create a user; skipped otherwise)', () => {
  let login: PasswordLogin;
  let pwSshd: SshdFixture;
  let user: string;
  let password: string;
  beforeAll(async () => {
    login = await startPasswordLogin('bsec');
    ({ sshd: pwSshd, user, password } = login);
  });
  afterAll(() => login?.remove());

  it('asks for the password in Burrow, forgets a rejected one, and remembers an accepted one in memory only', async () => {
    const env = burrowEnv();
    const api = await daemonWithUi(env);
    await addRemote(env, 'pw', ['--user', user, '--password'], pwSshd.port, pwSshd.knownHostsFile);

    const first = startRawHelper(['--remote', 'pw'], env);
    await first.waitForStderr(new RegExp(`waiting for the password of ${user}@127\\.0\\.0\\.1:${pwSshd.port} for pw`));
    const request = await waitForSecret(api);
    expect(request).toMatchObject({ kind: 'secret', secret: 'password', remote: 'pw', user });
    await api.call('answerSecret', request.id, 'wrong password');
    expect(await first.exited).not.toBe(0);
    expect(lastLine(first.stderr())).toMatch(new RegExp(`authentication failed for ${user}@127\\.0\\.0\\.1:\\d+ .*password.*; Burrow forgot what was entered and will ask again on the next connection$`));

    const second = startClient(['--remote', 'pw'], env);
    await second.waitForStderr(/waiting for the password/);
    await api.call('answerSecret', (await waitForSecret(api)).id, password);
    await second.connected;
    await callSum(second.client);
    await second.close();
    const accepted = () => pwSshd.log().split('\n').filter((l) => l.includes(`Accepted password for ${user}`)).length;
    expect(accepted()).toBe(1);

    await waitForDisconnect(api, 'pw');
    const third = await connectClient(['--remote', 'pw'], env);
    await callSum(third.client);
    await third.close();
    expect(third.stderr()).not.toContain('waiting for the password');
    expect(accepted()).toBe(2);

    expect(filesContaining(env.BURROW_HOME, password)).toEqual([]);
    for (const d of daemons) expect(d.stderr() + d.stdout()).not.toContain(password);
  });
});
