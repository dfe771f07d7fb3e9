import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, INITIALIZE, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startClient, startRawHelper } from '../support/helper-process.js';
import { canMakeUsers, ensureTestUser, startUserSshd } from '../support/jump-hosts.js';
import { EVERYTHING_COMMAND, freePort, keygen, sshdAvailable, type SshdFixture } from '../support/sshd.js';

const USER = 'burrowjump';

async function sumThrough(c: ConnectedClient): Promise<string> {
  try {
    const r = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    return JSON.stringify(r.content);
  } catch (error) {
    throw new Error(`${(error as Error).message}; helper stderr: ${c.stderr()}`);
  }
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const disconnects = (sshd: SshdFixture) => (sshd.log().match(/Disconnected from user /g) ?? []).length;

describe.skipIf(!sshdAvailable() || !canMakeUsers)('~/.ssh/config import and jump hosts, against three real sshd', () => {
  let outer: SshdFixture;
  let inner: SshdFixture;
  let target: SshdFixture;
  let env: Record<string, string>;
  let ssh: string;
  let daemon: DaemonHandle | undefined;
  let closedPort: number;

  beforeAll(async () => {
    ensureTestUser(USER);
    env = burrowEnv();
    ssh = join(env.HOME, '.ssh');
    mkdirSync(join(ssh, 'keys'), { recursive: true, mode: 0o700 });
    mkdirSync(join(ssh, 'conf.d'), { recursive: true });
    mkdirSync(join(ssh, 'known_hosts.d'), { recursive: true });
    // A second key for the target, so two remotes make two target logins behind one bastion login.
    const targetB = keygen(join(ssh, 'keys', 'target-b'));
    // One key both the outer bastion and the target take: for `remote add --jump`, where hops use the remote's keys.
    const shared = keygen(join(ssh, 'keys', 'shared'));
    // Bastions: plain keys (no forced command), forwarding allowed as sshd does by default.
    outer = await startUserSshd({ forcedCommand: null, extraAuthorizedKeys: [shared] });
    inner = await startUserSshd({ forcedCommand: null });
    target = await startUserSshd({ extraAuthorizedKeys: [`command="${EVERYTHING_COMMAND}",no-pty ${targetB}`, `command="${EVERYTHING_COMMAND}",no-pty ${shared}`] });
    closedPort = await freePort();
    copyFileSync(outer.clientKey, join(ssh, 'keys', 'outer'));
    copyFileSync(inner.clientKey, join(ssh, 'keys', 'inner'));
    copyFileSync(target.clientKey, join(ssh, 'keys', 'target-a'));
    writeFileSync(join(ssh, 'known_hosts.d', 'outer'), `${outer.knownHostsLine}\n`);
    writeFileSync(join(ssh, 'known_hosts.d', 'inner'), `${inner.knownHostsLine}\n`);
    writeFileSync(join(ssh, 'known_hosts.d', 'target'), `${target.knownHostsLine}\n`);
    // HostKeyAlias: the key is recorded under a name of its own, without the port.
    writeFileSync(join(ssh, 'known_hosts.d', 'aliased'), `estate-target ${target.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
    // A known_hosts that holds a different key for the inner bastion: its key "changed".
    const impostor = keygen(join(ssh, 'keys', 'impostor-host')).split(' ').slice(0, 2).join(' ');
    writeFileSync(join(ssh, 'known_hosts.d', 'inner-changed'), `[127.0.0.1]:${inner.port} ${impostor}\n`);

    writeFileSync(
      join(ssh, 'config'),
      [
        // Include at the top (after a Host line it would belong to that block, as in ssh);
        // specific blocks first, general last: the first value wins.
        'Include conf.d/*.conf',
        'Host target-a target-b',
        '  IdentityFile %d/.ssh/keys/%n',
        'Host target-b',
        '  ForwardAgent yes',
        'Host changed-middle',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        '  IdentityFile ~/.ssh/keys/target-a',
        '  ProxyJump outer,inner-changed',
        'Host aliased',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        '  IdentityFile ~/.ssh/keys/target-a',
        '  HostKeyAlias estate-target',
        '  UserKnownHostsFile ~/.ssh/known_hosts.d/aliased',
        'Host dead-end',
        '  HostName 127.0.0.1',
        `  Port ${closedPort}`,
        '  IdentityFile ~/.ssh/keys/target-a',
        '  ProxyJump outer',
        'Host *',
        `  User ${USER}`,
        '  StrictHostKeyChecking yes',
        '  IdentitiesOnly yes',
        '  ServerAliveInterval 10',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(ssh, 'conf.d', 'estate.conf'),
      [
        'Host target-*',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        '  ProxyJump outer,inner',
        '  UserKnownHostsFile ~/.ssh/known_hosts.d/target',
        'Host outer',
        '  HostName 127.0.0.1',
        `  Port ${outer.port}`,
        '  IdentityFile ~/.ssh/keys/outer',
        '  UserKnownHostsFile ~/.ssh/known_hosts.d/outer',
        'Host inner inner-changed',
        '  HostName 127.0.0.1',
        `  Port ${inner.port}`,
        '  IdentityFile ~/.ssh/keys/inner',
        'Host inner',
        '  UserKnownHostsFile ~/.ssh/known_hosts.d/inner',
        'Host inner-changed',
        '  UserKnownHostsFile ~/.ssh/known_hosts.d/inner-changed',
        'Host changed-middle',
        '  UserKnownHostsFile ~/.ssh/known_hosts.d/target',
        '',
      ].join('\n'),
    );
    // Every test goes through this daemon (a helper would otherwise start one in the background).
    // Connections idle out after 2 s, so a bastion's login is seen to end when nothing uses it.
    daemon = await startDaemon(env, ['--idle-timeout', '2', '--no-prestart']);
  });

  afterAll(async () => {
    await daemon?.stop();
    outer?.stop();
    inner?.stop();
    target?.stop();
  });

  it('imports aliases with Include, wildcards and a two-hop ProxyJump, naming what it ignores', async () => {
    const list = await runBurrow(['remote', 'import', 'ssh-config', '--list'], env);
    expect(list.stdout.trim().split('\n')).toEqual(['outer', 'inner', 'inner-changed', 'changed-middle', 'target-a', 'target-b', 'aliased', 'dead-end']);

    const hosts = ['target-a', 'target-b', 'changed-middle', 'aliased', 'dead-end'].flatMap((h) => ['--host', h]);
    const r = await runBurrow(['remote', 'import', 'ssh-config', ...hosts, '--command', EVERYTHING_COMMAND], env);
    expect(r.code, r.stderr).toBe(0);
    const via = `via ${USER}@127.0.0.1:${outer.port} -> ${USER}@127.0.0.1:${inner.port}`;
    expect(r.stdout).toContain(`added remote "target-a" (${USER}@127.0.0.1:${target.port} ${via}, exec: ${EVERYTHING_COMMAND})`);
    expect(r.stdout).toContain(`added remote "target-b" (${USER}@127.0.0.1:${target.port} ${via}, exec: ${EVERYTHING_COMMAND})`);
    expect(r.stderr).toContain('burrow: target-b: ignored ForwardAgent (not supported)');
    expect(r.stderr).toContain('burrow: target-a: IdentitiesOnly yes: ssh-agent is not used');

    const saved = JSON.parse((await runBurrow(['remote', 'list', '--json'], env)).stdout) as { name: string }[];
    const a = saved.find((s) => s.name === 'target-a');
    expect(a).toMatchObject({
      hostKeyPolicy: 'strict',
      useAgent: false,
      keepaliveIntervalSec: 10,
      identityFiles: [join(ssh, 'keys', 'target-a')],
      knownHostsPath: join(ssh, 'known_hosts.d', 'target'),
      jump: [
        { host: '127.0.0.1', port: outer.port, user: USER, identityFiles: [join(ssh, 'keys', 'outer')], knownHostsPath: join(ssh, 'known_hosts.d', 'outer'), hostKeyPolicy: 'strict' },
        { host: '127.0.0.1', port: inner.port, user: USER, identityFiles: [join(ssh, 'keys', 'inner')], knownHostsPath: join(ssh, 'known_hosts.d', 'inner'), hostKeyPolicy: 'strict' },
      ],
    });
  });

  it('an MCP session runs through both jump hosts, and two remotes behind them share one login on each', async () => {
    const [a, b] = await Promise.all([connectClient(['--remote', 'target-a'], env), connectClient(['--remote', 'target-b'], env)]);
    expect(await sumThrough(a)).toContain('42');
    expect(await sumThrough(b)).toContain('42');
    // Two different target logins (different keys)…
    expect(target.acceptedLogins()).toBe(2);
    // …riding one login on each bastion.
    expect(outer.acceptedLogins()).toBe(1);
    expect(inner.acceptedLogins()).toBe(1);
    expect(outer.log()).toMatch(new RegExp(`Accepted publickey for ${USER} from 127\\.0\\.0\\.1`));

    // When no remote uses the bastions any more (sessions closed, target connections idled out), their logins end.
    await Promise.all([a.close(), b.close()]);
    await waitFor('the bastion logins to end', () => disconnects(outer) >= 1 && disconnects(inner) >= 1, 40_000);
    expect(disconnects(target)).toBe(2);
  });

  it('checks each hop’s host key: a changed key on the middle hop is refused, naming that hop', async () => {
    const innerLogins = inner.acceptedLogins();
    const targetLogins = target.acceptedLogins();
    const r = await runBurrow(['connect', '--remote', 'changed-middle'], env, `${INITIALIZE}\n`);
    expect(r.code).toBe(1);
    const line = r.stderr.split('\n').find((l) => l.includes('Host key verification failed.')) ?? r.stderr;
    expect(line).toMatch(new RegExp(`^burrow: jump host 2 of 2 \\(${USER}@127\\.0\\.0\\.1:${inner.port}\\): Host key verification failed\\. WARNING: the host key for \\[127\\.0\\.0\\.1\\]:${inner.port} has CHANGED`));
    expect(line).toContain('~/.ssh/known_hosts.d/inner-changed:1');
    // No login on the middle hop, and nothing reached the target.
    expect(inner.acceptedLogins()).toBe(innerLogins);
    expect(target.acceptedLogins()).toBe(targetLogins);
    const audit = readFileSync(join(env.BURROW_HOME, 'logs', `audit-${new Date().toISOString().slice(0, 10)}.jsonl`), 'utf8');
    expect(audit).toContain(`"address":"[127.0.0.1]:${inner.port}","fingerprint"`);
  });

  it('imports mcp-ssh-gateway’s connections.json: a direct entry works, a tunnel entry is kept with a note', async () => {
    writeFileSync(join(ssh, 'known_hosts'), `${target.knownHostsLine}\n`);
    const file = join(env.HOME, 'connections.json');
    writeFileSync(
      file,
      JSON.stringify({
        connections: [
          { name: 'edge-direct', mode: 'direct', user: USER, host: '127.0.0.1', port: target.port, id_file: '.ssh/keys/target-a' },
          { name: 'edge-tunnel', mode: 'tunnel', user: 'pi', port: 2299, id_file: '.ssh/keys/target-a' },
        ],
      }),
    );
    const r = await runBurrow(['remote', 'import', 'connections.json', file, '--host-key-policy', 'strict'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`added remote "edge-direct" (${USER}@127.0.0.1:${target.port}, shell)`);
    expect(r.stdout).toContain('added remote "edge-tunnel" (pi@127.0.0.1:2299, shell)');
    expect(r.stderr).toContain('burrow: edge-tunnel: tunnel mode: saved as 127.0.0.1:2299');
    // The target forces the MCP server, so shell mode serves it too.
    const c = await connectClient(['--remote', 'edge-direct'], env);
    expect(await sumThrough(c)).toContain('42');
    await c.close();
  });

  it('HostKeyAlias: the key is looked up under the alias, as ssh does', async () => {
    const c = await connectClient(['--remote', 'aliased'], env);
    expect(await sumThrough(c)).toContain('42');
    await c.close();
  });

  it('a jump host that cannot reach the next address says which hop and which address', async () => {
    const r = await runBurrow(['connect', '--remote', 'dead-end'], env, `${INITIALIZE}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`burrow: jump host ${USER}@127.0.0.1:${outer.port} cannot reach 127.0.0.1:${closedPort}: `);
  });

  it('remote add --jump: the hop uses the remote’s key and known_hosts unless it names its own', async () => {
    const knownHosts = join(ssh, 'known_hosts.all');
    writeFileSync(knownHosts, `${outer.knownHostsLine}\n${target.knownHostsLine}\n`);
    const add = await runBurrow(
      ['remote', 'add', 'via-flag', '--host', '127.0.0.1', '--port', String(target.port), '--user', USER, '--key', join(ssh, 'keys', 'shared'), '--no-agent',
        '--known-hosts', knownHosts, '--host-key-policy', 'strict', '--jump', `${USER}@127.0.0.1:${outer.port}`, '--command', EVERYTHING_COMMAND],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    const c = await connectClient(['--remote', 'via-flag'], env);
    expect(await sumThrough(c)).toContain('42');
    await c.close();
  });

  it('when the bastion drops, a session behind it resumes through a new bastion login, and the next one works too', async () => {
    const outerLogins = outer.acceptedLogins();
    const targetLogins = target.acceptedLogins();
    // stdin stays open as a host keeps it: only the dropped bastion could end this session.
    const helper = startRawHelper(['--remote', 'target-a'], env);
    try {
      // Drop once the session is live behind the bastion: its initialize was answered.
      await waitFor('the initialize reply', () => helper.stdout().includes('"id":1'), 30_000);
      expect(target.acceptedLogins()).toBe(targetLogins + 1);
      expect(outer.acceptedLogins()).toBe(outerLogins + 1);
      expect(outer.dropConnections()).toBeGreaterThan(0);
      // The session stays open (sessions resume): both hops log in again and a fresh server takes over.
      await waitFor('the session to resume', () => /resumed on a fresh server of target-a/.test(daemon!.stderr()), 30_000);
      expect(outer.acceptedLogins()).toBeGreaterThan(outerLogins + 1);
      expect(helper.stderr()).toMatch(/connection to target-a was lost.*restoring the session/);
    } finally {
      helper.kill();
    }
    const c = await connectClient(['--remote', 'target-a'], env);
    expect(await sumThrough(c)).toContain('42');
    await c.close();
    expect(outer.acceptedLogins()).toBeGreaterThan(outerLogins + 1);
  });

  it('an unknown jump-host key waits for approval like any other, and the session goes on once approved', async () => {
    const knownHosts = join(ssh, 'known_hosts.target-only');
    writeFileSync(knownHosts, `${target.knownHostsLine}\n`);
    const add = await runBurrow(
      ['remote', 'add', 'ask-hop', '--host', '127.0.0.1', '--port', String(target.port), '--user', USER, '--key', join(ssh, 'keys', 'shared'), '--no-agent',
        '--known-hosts', knownHosts, '--host-key-policy', 'ask', '--jump', `${USER}@127.0.0.1:${outer.port}`, '--command', EVERYTHING_COMMAND],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    const fingerprint = execFileSync('ssh-keygen', ['-lf', `${outer.hostKeyFile}.pub`], { encoding: 'utf8' }).split(' ')[1];
    const waiting = startClient(['--remote', 'ask-hop'], env);
    try {
      await waiting.waitForStderr(/waiting for approval of the host key/, 30_000);
      expect(waiting.stderr()).toContain(fingerprint);
      expect(waiting.stderr()).toContain(`127.0.0.1]:${outer.port}`);
      const approved = await runBurrow(['hostkeys', 'approve', fingerprint], env);
      expect(approved.code, approved.stderr).toBe(0);
      await waiting.connected;
      const r = await waiting.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(r.content)).toContain('42');
    } finally {
      await waiting.close();
    }
  });
});
