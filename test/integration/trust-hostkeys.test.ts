import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startClient, startRawHelper } from '../support/helper-process.js';
import { keygen, startSshd, type SshdFixture } from '../support/sshd.js';

let sshd: SshdFixture;
let hostFingerprint: string;
let otherKeyLine: string;
let otherFingerprint: string;

beforeAll(async () => {
  sshd = await startSshd();
  hostFingerprint = execFileSync('ssh-keygen', ['-lf', `${sshd.hostKeyFile}.pub`], { encoding: 'utf8' }).split(' ')[1];
  const other = join(sshd.dir, 'other_host_ed25519');
  otherKeyLine = keygen(other).split(/\s+/).slice(0, 2).join(' ');
  otherFingerprint = execFileSync('ssh-keygen', ['-lf', `${other}.pub`], { encoding: 'utf8' }).split(' ')[1];
});
afterAll(() => sshd?.stop());

const hostArgs = (knownHosts: string, extra: string[] = []) => [
  '--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--client-key', sshd.clientKey, '--known-hosts', knownHosts, ...extra,
];
const name = () => `[127.0.0.1]:${sshd.port}`;

function knownHostsFile(file: string, text: string): string {
  const path = join(sshd.dir, file);
  writeFileSync(path, text);
  return path;
}

function auditEntries(env: Record<string, string>): { event: string; verdict?: string; address?: string; fingerprint?: string; detail?: string }[] {
  const dir = join(env.BURROW_HOME, 'logs');
  return readdirSync(dir)
    .filter((f) => /^audit-.*\.jsonl$/.test(f))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line));
}

/** The one line the helper prints for a failure (others may be warnings). */
const errorLine = (stderr: string) => stderr.split('\n').find((l) => l.includes('Host key verification failed.')) ?? '';

async function callSum(client: Awaited<ReturnType<typeof connectClient>>['client']): Promise<void> {
  const sum = await client.callTool({ name: 'get-sum', arguments: { a: 40, b: 2 } });
  expect(JSON.stringify(sum.content)).toContain('42');
}

describe('burrow connect --host (strict, as m2m)', () => {
  it('connects when known_hosts has the key, plain or hashed by ssh-keygen -H', async () => {
    const hashed = knownHostsFile('known_hosts.hashed', `other.example.com ${otherKeyLine}\n${sshd.knownHostsLine}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    expect(readFileSync(hashed, 'utf8')).not.toContain('127.0.0.1');
    for (const file of [sshd.knownHostsFile, hashed]) {
      const c = await connectClient(hostArgs(file), burrowEnv());
      await callSum(c.client);
      await c.close();
    }
  });

  it('refuses an unknown key in one clear line, exits non-zero, and never logs in', async () => {
    const logins = sshd.acceptedLogins();
    const helper = startRawHelper(hostArgs(sshd.emptyKnownHostsFile), burrowEnv());
    expect(await helper.exited).not.toBe(0);
    const line = errorLine(helper.stderr());
    expect(line).toContain(`No host key is known for ${name()}`);
    expect(line).toContain(hostFingerprint);
    // The host's initialize was answered with the same error, so it does not wait forever.
    expect(JSON.parse(helper.stdout().trim().split('\n')[0])).toMatchObject({ id: 1, error: { message: expect.stringContaining('Host key verification failed.') } });
    expect(sshd.acceptedLogins()).toBe(logins);
  });

  it('refuses a changed key: names the host, both fingerprints and the known_hosts line, and never logs in', async () => {
    const env = burrowEnv();
    const changed = knownHostsFile('known_hosts.changed', `# a comment first\n[127.0.0.1]:${sshd.port} ${otherKeyLine}\n`);
    const logins = sshd.acceptedLogins();
    const helper = startRawHelper(hostArgs(changed), env);
    expect(await helper.exited).not.toBe(0);
    const line = errorLine(helper.stderr());
    expect(line).toMatch(/^burrow: Host key verification failed\. WARNING: the host key for \[127\.0\.0\.1\]:\d+ has CHANGED/);
    expect(line).toContain(hostFingerprint);
    expect(line).toContain(otherFingerprint);
    expect(line).toContain(`${changed}:2`);
    expect(sshd.acceptedLogins()).toBe(logins);
  });

  it('refuses a key marked @revoked', async () => {
    const revoked = knownHostsFile('known_hosts.revoked', `${sshd.knownHostsLine}\n@revoked ${sshd.knownHostsLine}\n`);
    const helper = startRawHelper(hostArgs(revoked), burrowEnv());
    expect(await helper.exited).not.toBe(0);
    expect(errorLine(helper.stderr())).toContain(`is marked @revoked in ${revoked}:2`);
  });

  it('--disable-host-key-checking connects to an unknown or changed key, and says it is insecure every time', async () => {
    const changed = knownHostsFile('known_hosts.changed2', `[127.0.0.1]:${sshd.port} ${otherKeyLine}\n`);
    const c = await connectClient(hostArgs(changed, ['--disable-host-key-checking']), burrowEnv());
    await callSum(c.client);
    await c.close();
    expect(c.stderr()).toContain(`INSECURE: host key checking is disabled for ${name()}`);
  });

  it('--host-key-policy accept-new remembers a new key in Burrow\'s own known_hosts, but still refuses a changed one', async () => {
    const env = burrowEnv();
    const c = await connectClient(hostArgs(sshd.emptyKnownHostsFile, ['--host-key-policy', 'accept-new']), env);
    await callSum(c.client);
    await c.close();
    expect(readFileSync(join(env.BURROW_HOME, 'known_hosts'), 'utf8')).toContain(sshd.knownHostsLine);
    expect(readFileSync(sshd.emptyKnownHostsFile, 'utf8')).toBe('');
    const changed = knownHostsFile('known_hosts.changed3', `[127.0.0.1]:${sshd.port} ${otherKeyLine}\n`);
    const helper = startRawHelper(hostArgs(changed, ['--host-key-policy', 'accept-new']), burrowEnv());
    expect(await helper.exited).not.toBe(0);
    expect(errorLine(helper.stderr())).toContain('has CHANGED');
  });
});

describe('saved remotes through burrow daemon (ask)', () => {
  const daemons: DaemonHandle[] = [];
  afterAll(async () => {
    for (const d of daemons) await d.stop();
  });
  const daemon = async (env: Record<string, string>) => {
    const d = await startDaemon(env, ['--log-level', 'info']);
    daemons.push(d);
    return d;
  };
  const addRemote = async (env: Record<string, string>, knownHosts = sshd.emptyKnownHostsFile) => {
    const added = await runBurrow(['remote', 'add', 'box', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--known-hosts', knownHosts], env);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
  };

  it('waits for a person: list shows it pending, approve lets the session go on, and the approval is remembered', async () => {
    const env = burrowEnv();
    const first = await daemon(env);
    await addRemote(env);

    const waiting = startClient(['--remote', 'box'], env);
    await waiting.waitForStderr(/waiting for approval of the host key/);
    expect(waiting.stderr()).toContain(`burrow hostkeys approve ${hostFingerprint}`);

    const list = await runBurrow(['hostkeys', 'list'], env);
    const row = list.stdout.split('\n').find((l) => l.startsWith('pending'));
    expect(row).toBeDefined();
    expect(row).toContain(`127.0.0.1:${sshd.port}`);
    expect(row).toContain('ssh-ed25519');
    expect(row).toContain(hostFingerprint);
    // When it was asked, in local time (cli-local-times.test.ts checks the zone).
    expect(row).toMatch(/ \d\d:\d\d:\d\d \((just now|\d+ s ago)\) /);

    const approved = await runBurrow(['hostkeys', 'approve', hostFingerprint], env);
    expect(approved.code).toBe(0);
    await waiting.connected;
    await callSum(waiting.client);
    await waiting.close();

    const after = await runBurrow(['hostkeys', 'list', '--json'], env);
    const listing = JSON.parse(after.stdout) as { pending: unknown[]; known: { host: string; port: number; fingerprint: string; firstSeen?: string; source?: string }[] };
    expect(listing.pending).toEqual([]);
    expect(listing.known).toMatchObject([{ host: '127.0.0.1', port: sshd.port, fingerprint: hostFingerprint, source: 'ssh' }]);
    expect(Date.parse(listing.known[0].firstSeen!)).not.toBeNaN();

    // A new engine (a fresh SSH connection) needs no approval: the key is remembered.
    await first.stop();
    await daemon(env);
    const logins = sshd.acceptedLogins();
    const again = await connectClient(['--remote', 'box'], env);
    await callSum(again.client);
    await again.close();
    expect(again.stderr()).not.toContain('waiting for approval');
    expect(sshd.acceptedLogins()).toBe(logins + 1);

    // Forget: the next connection asks again.
    const forgot = await runBurrow(['hostkeys', 'forget', `127.0.0.1:${sshd.port}`], env);
    expect(forgot.stdout + forgot.stderr).toContain(`forgot 1 key(s) of 127.0.0.1:${sshd.port}`);
    const empty = await runBurrow(['hostkeys', 'list'], env);
    expect(empty.stdout).not.toContain(hostFingerprint);
  });

  it('reject ends the waiting session with a clear error and a non-zero exit', async () => {
    const env = burrowEnv();
    await daemon(env);
    await addRemote(env);
    const helper = startRawHelper(['--remote', 'box'], env);
    await helper.waitForStderr(/waiting for approval/);
    // A second window joins while the key is pending: it is told what it waits for too.
    const second = startRawHelper(['--remote', 'box'], env);
    await second.waitForStderr(/waiting for approval of the host key/);
    const logins = sshd.acceptedLogins();
    const rejected = await runBurrow(['hostkeys', 'reject', hostFingerprint], env);
    expect(rejected.stdout).toContain(`rejected ${hostFingerprint}`);
    expect(await helper.exited).not.toBe(0);
    expect(await second.exited).not.toBe(0);
    expect(helper.stderr()).toContain(`Host key verification failed. The host key ${hostFingerprint} of ${name()} was rejected.`);
    expect(sshd.acceptedLogins()).toBe(logins);
    const nothing = await runBurrow(['hostkeys', 'approve', hostFingerprint], env);
    expect(nothing.code).not.toBe(0);
    expect(nothing.stderr).toContain(`no host key waiting for approval has fingerprint ${hostFingerprint}`);
  });

  it('gives up after the approval timeout from the settings, with a clear error', async () => {
    const env = burrowEnv();
    writeFileSync(join(env.BURROW_HOME, 'settings.json'), JSON.stringify({ remotes: [], approvalTimeoutSec: 1 }));
    await daemon(env);
    await addRemote(env);
    const helper = startRawHelper(['--remote', 'box'], env);
    expect(await helper.exited).not.toBe(0);
    expect(helper.stderr()).toContain(`Host key verification failed. The host key of ${name()} was not approved within 1 s (ED25519 ${hostFingerprint}`);
    const list = await runBurrow(['hostkeys', 'list'], env);
    expect(list.stdout).not.toMatch(/^pending/m);
  });

  it('connect --remote --approval-timeout sets how long this session waits', async () => {
    const env = burrowEnv();
    await daemon(env);
    await addRemote(env);
    const started = Date.now();
    const helper = startRawHelper(['--remote', 'box', '--approval-timeout', '1'], env);
    expect(await helper.exited).not.toBe(0);
    expect(helper.stderr()).toContain(`host key of ${name()} was not approved within 1 s`);
    // The daemon's own setting is 120 s: the flag, not the setting, ended the wait.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('a changed key is refused at once (never a question), shows up as an alert, and is audited', async () => {
    const env = burrowEnv();
    await daemon(env);
    const changed = knownHostsFile('known_hosts.changed4', `[127.0.0.1]:${sshd.port} ${otherKeyLine}\n`);
    await addRemote(env, changed);
    const helper = startRawHelper(['--remote', 'box'], env);
    expect(await helper.exited).not.toBe(0);
    expect(helper.stderr()).not.toContain('waiting for approval');
    expect(errorLine(helper.stderr())).toContain(`but ${changed}:1 has ${otherFingerprint}`);
    const list = await runBurrow(['hostkeys', 'list', '--json'], env);
    const { alerts, pending } = JSON.parse(list.stdout) as { alerts: unknown[]; pending: unknown[] };
    expect(pending).toEqual([]);
    expect(alerts).toMatchObject([
      { host: '127.0.0.1', port: sshd.port, remote: 'box', offeredFingerprint: hostFingerprint, expectedFingerprint: otherFingerprint, knownAt: `${changed}:1`, source: 'ssh' },
    ]);
    const text = await runBurrow(['hostkeys', 'list'], env);
    expect(text.stdout).toContain(`ALERT`);
    expect(text.stdout).toContain(`CHANGED: offered ${hostFingerprint}, expected ${otherFingerprint}`);
    await expect.poll(() => auditEntries(env).find((e) => e.event === 'host-key')).toMatchObject({
      address: name(),
      fingerprint: hostFingerprint,
      verdict: 'changed',
      detail: expect.stringContaining(`expected ${otherFingerprint} at ${changed}:1`),
    });
  });
});
