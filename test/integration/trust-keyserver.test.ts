import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startClient, startRawHelper } from '../support/helper-process.js';
import { startKeyServer, type TestKeyServer } from '../support/key-server.js';
import { freePort, keygen, startSshd, type SshdFixture } from '../support/sshd.js';

let sshd: SshdFixture;
let ks: TestKeyServer;
let hostFingerprint: string;
let otherKeyLine: string;
let otherFingerprint: string;

beforeAll(async () => {
  sshd = await startSshd();
  ks = await startKeyServer(sshd);
  hostFingerprint = execFileSync('ssh-keygen', ['-lf', `${sshd.hostKeyFile}.pub`], { encoding: 'utf8' }).split(' ')[1];
  const other = join(sshd.dir, 'impostor_ed25519');
  otherKeyLine = keygen(other);
  otherFingerprint = execFileSync('ssh-keygen', ['-lf', `${other}.pub`], { encoding: 'utf8' }).split(' ')[1];
});
afterAll(async () => {
  await ks?.close();
  sshd?.stop();
});
beforeEach(() => {
  ks.serveKey(readFileSync(`${sshd.hostKeyFile}.pub`, 'utf8').trim());
  ks.setMode('normal');
  ks.requests.length = 0;
});

/** m2m's flags, with no client key and nothing in known_hosts: the key server is all there is. */
const m2mArgs = (extra: string[] = []) => [
  '--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--use-key-server', '--key-server-port', String(ks.port), '--known-hosts', sshd.emptyKnownHostsFile, ...extra,
];
const errorLine = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('burrow: ')).pop() ?? '';

describe('the m2m key server', () => {
  it('fetches the server key, registers a newly made client key, pins the server key and connects', async () => {
    const env = burrowEnv();
    const c = await connectClient(m2mArgs(), env);
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 41 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await c.close();

    expect(ks.requests).toEqual(['GET /server_pub_key', 'POST /register']);
    const key = join(env.HOME, '.ssh', 'm2m_mcp_server_ssh_client');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(`${key}.pub`).mode & 0o777).toBe(0o644);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    expect(ks.registered.at(-1)).toContain(pub);

    const pinned = readFileSync(join(env.BURROW_HOME, 'known_hosts'), 'utf8');
    expect(pinned).toContain(sshd.knownHostsLine);
    expect(pinned).toContain('source=key-server-http');
    expect(c.stderr()).toContain(`permanently added ED25519 ${hostFingerprint} for [127.0.0.1]:${sshd.port} (pinned on first use, from the key server (plain HTTP))`);
    // The user's own known_hosts is never written.
    expect(readFileSync(sshd.emptyKnownHostsFile, 'utf8')).toBe('');

    // Later the key server serves another key: refused like a changed host key, nothing registered, no login.
    ks.serveKey(otherKeyLine);
    ks.requests.length = 0;
    const logins = sshd.acceptedLogins();
    const helper = startRawHelper(m2mArgs(), env);
    expect(await helper.exited).not.toBe(0);
    const line = errorLine(helper.stderr());
    expect(line).toContain(`Host key verification failed. WARNING: the host key for [127.0.0.1]:${sshd.port} has CHANGED: the key server (plain HTTP) served ED25519 ${otherFingerprint}`);
    // Burrow's own file, shown as ~/… because the test's HOME is its BURROW_HOME.
    expect(line).toContain(`but ~/known_hosts:1 has ${hostFingerprint}`);
    expect(ks.requests).toEqual(['GET /server_pub_key']);
    expect(sshd.acceptedLogins()).toBe(logins);
  });

  it('refuses the SSH handshake when the server presents another key than the key server served', async () => {
    const env = burrowEnv();
    ks.serveKey(otherKeyLine);
    const logins = sshd.acceptedLogins();
    const clientKey = join(env.HOME, 'keys', 'fresh_ed25519');
    const helper = startRawHelper(m2mArgs(['--client-key', clientKey]), env);
    expect(await helper.exited).not.toBe(0);
    const line = errorLine(helper.stderr());
    expect(line).toContain(`has CHANGED: it offered ED25519 ${hostFingerprint}, but ~/known_hosts:1 has ${otherFingerprint}`);
    expect(sshd.acceptedLogins()).toBe(logins);
    // A missing --client-key is made, as m2m does.
    expect(statSync(clientKey).mode & 0o777).toBe(0o600);
  });

  it('says in one line when the key server is not there, fails, or does not speak JSON', async () => {
    const closed = await freePort();
    const refused = startRawHelper([...m2mArgs(), '--key-server-port', String(closed)], burrowEnv());
    expect(await refused.exited).not.toBe(0);
    expect(errorLine(refused.stderr())).toBe(
      `burrow: cannot reach the key server at http://127.0.0.1:${closed}/server_pub_key: connection refused (is it running, and is --key-server-port right?)`,
    );

    ks.setMode('error-500');
    const failing = startRawHelper(m2mArgs(), burrowEnv());
    expect(await failing.exited).not.toBe(0);
    expect(errorLine(failing.stderr())).toBe(`burrow: the key server at http://127.0.0.1:${ks.port}/server_pub_key answered 500: key store is locked`);

    ks.setMode('bad-json');
    const garbled = startRawHelper(m2mArgs(), burrowEnv());
    expect(await garbled.exited).not.toBe(0);
    expect(errorLine(garbled.stderr())).toBe(`burrow: the key server at http://127.0.0.1:${ks.port}/server_pub_key sent a reply that is not JSON: "<html>proxy login</html>"`);

    ks.setMode('no-key');
    const keyless = startRawHelper(m2mArgs(), burrowEnv());
    expect(await keyless.exited).not.toBe(0);
    expect(errorLine(keyless.stderr())).toBe(`burrow: the key server at http://127.0.0.1:${ks.port}/server_pub_key sent no "server_pub_key" in its reply`);
  });
});

describe('a saved remote with a key server (ask)', () => {
  let daemon: DaemonHandle | undefined;
  afterAll(async () => daemon?.stop());

  it('shows the served key for approval with where it came from, then connects', async () => {
    const env = burrowEnv();
    daemon = await startDaemon(env, ['--log-level', 'info']);
    const added = await runBurrow(
      ['remote', 'add', 'm2m', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--use-key-server', '--key-server-port', String(ks.port), '--known-hosts', sshd.emptyKnownHostsFile],
      env,
    );
    expect(added.code).toBe(0);
    const waiting = startClient(['--remote', 'm2m'], env);
    await waiting.waitForStderr(/waiting for approval/);
    expect(waiting.stderr()).toContain(`ED25519 ${hostFingerprint} (from the key server (plain HTTP))`);
    expect(ks.requests).toEqual(['GET /server_pub_key']);

    const list = await runBurrow(['hostkeys', 'list', '--json'], env);
    expect(JSON.parse(list.stdout).pending).toMatchObject([{ host: '127.0.0.1', port: sshd.port, fingerprint: hostFingerprint, source: 'key-server-http', remote: 'm2m' }]);
    expect((await runBurrow(['hostkeys', 'approve', hostFingerprint], env)).code).toBe(0);

    await waiting.connected;
    const tools = await waiting.client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('get-sum');
    await waiting.close();
    expect(ks.requests).toEqual(['GET /server_pub_key', 'POST /register']);
    const known = JSON.parse((await runBurrow(['hostkeys', 'list', '--json'], env)).stdout).known;
    expect(known).toMatchObject([{ fingerprint: hostFingerprint, source: 'key-server-http' }]);
  });
});
