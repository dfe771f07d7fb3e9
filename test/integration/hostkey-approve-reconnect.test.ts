import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestStep } from '../../shared/api.js';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { DEVICE_LOGIN, dialIn, makeDeviceKey, pinBurrowServer, startDeviceSshd, waitFor, type DeviceDial } from '../support/device.js';
import { startClient, startRawHelper, type WaitingClient } from '../support/helper-process.js';
import { inProcessApis } from '../support/in-process-api.js';
import { keyFingerprint } from '../support/key-fingerprint.js';
import { EVERYTHING_COMMAND, freePort, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';

/**
 * An unknown host key is decided with no SSH handshake held open: the connection is closed, the person
 * answers in their own time, and a new connection meets the approved key. Every sshd here gives a client
 * only 3 s to log in (LoginGraceTime), and the approvals come after 5 s: holding the handshake open while
 * waiting would fail every test below.
 */
const GRACE = ['LoginGraceTime 3'];
/** Longer than LoginGraceTime: the point of these tests is to outlast it. */
const outlastGrace = () => new Promise((resolve) => setTimeout(resolve, 5000));

let target: SshdFixture;
let bastion: SshdFixture;
const fingerprintOf = (sshd: SshdFixture) => keyFingerprint(`${sshd.hostKeyFile}.pub`);

beforeAll(async () => {
  target = await startSshd({ extraConfig: GRACE });
  // A jump host that takes the target's client key (hops use the remote's keys) and forwards to the target.
  bastion = await startSshd({ forcedCommand: null, extraConfig: GRACE, extraAuthorizedKeys: [readFileSync(`${target.clientKey}.pub`, 'utf8').trim()] });
});
afterAll(() => {
  target?.stop();
  bastion?.stop();
});

/** `burrow hostkeys approve` for sshd's key; the waiting session then connects and answers get-sum. */
async function approveThenSum(env: Record<string, string>, waiting: WaitingClient, sshd: SshdFixture): Promise<void> {
  const approved = await runBurrow(['hostkeys', 'approve', fingerprintOf(sshd)], env);
  expect(approved.code, approved.stderr).toBe(0);
  await waiting.connected;
  const sum = await waiting.client.callTool({ name: 'get-sum', arguments: { a: 40, b: 2 } });
  expect(JSON.stringify(sum.content)).toContain('42');
}

const name = (sshd: SshdFixture) => `[127.0.0.1]:${sshd.port}`;
/** What sshd logs when LoginGraceTime ends a connection that is still in its handshake. */
const graceExpired = (sshd: SshdFixture) => /Timeout before authentication/.test(sshd.log());

describe('saved remotes through the daemon (policy ask)', () => {
  const daemons: DaemonHandle[] = [];
  afterAll(async () => {
    for (const d of daemons) await d.stop();
  });
  const setUp = async (settings: object, knownHosts = target.emptyKnownHostsFile, extra: string[] = []) => {
    const env = burrowEnv();
    writeFileSync(join(env.BURROW_HOME, 'settings.json'), JSON.stringify({ remotes: [], ...settings }));
    daemons.push(await startDaemon(env, ['--log-level', 'info']));
    await addSshdRemote(env, 'box', { ...target, knownHostsFile: knownHosts }, ['--command', EVERYTHING_COMMAND, ...extra]);
    return env;
  };

  it('a key approved after sshd gave up on logins (LoginGraceTime 3 s, approval after 5 s): the session works', async () => {
    const env = await setUp({});
    const logins = target.acceptedLogins();
    const waiting = startClient(['--remote', 'box'], env);
    try {
      await waiting.waitForStderr(/waiting for approval of the host key/);
      await outlastGrace();
      await approveThenSum(env, waiting, target);
    } finally {
      await waiting.close();
    }
    // The first connection was closed by Burrow while the key waited, never left to sshd's timer; one login, after the approval.
    expect(graceExpired(target)).toBe(false);
    expect(target.acceptedLogins()).toBe(logins + 1);
  });

  it('an approval timeout longer than LoginGraceTime ends with "host key of H was not approved within N s"', async () => {
    const env = await setUp({ approvalTimeoutSec: 4 });
    const logins = target.acceptedLogins();
    const helper = startRawHelper(['--remote', 'box'], env);
    expect(await helper.exited).not.toBe(0);
    const message = `host key of ${name(target)} was not approved within 4 s`;
    expect(helper.stderr()).toContain(message);
    expect(helper.stderr()).not.toContain('closed the connection during the SSH handshake');
    // The MCP host is told the same, as the JSON-RPC error to its initialize.
    expect(JSON.parse(helper.stdout().trim().split('\n')[0])).toMatchObject({ id: 1, error: { message: expect.stringContaining(message) } });
    expect(target.acceptedLogins()).toBe(logins);
    const list = await runBurrow(['hostkeys', 'list'], env);
    expect(list.stdout).not.toMatch(/^pending/m);
  });

  it('an unknown jump-host key approved after its LoginGraceTime: the session goes on through the hop', async () => {
    const knownHosts = join(mkdtempSync(join(tmpdir(), 'burrow-hk-')), 'known_hosts');
    writeFileSync(knownHosts, `${target.knownHostsLine}\n`);
    // The remote knows the target's key; only the bastion's is new.
    const env = await setUp({}, knownHosts, ['--jump', `${bastion.user}@127.0.0.1:${bastion.port}`]);
    const waiting = startClient(['--remote', 'box'], env);
    try {
      await waiting.waitForStderr(/waiting for approval of the host key/);
      expect(waiting.stderr()).toContain(`${name(bastion)}: ED25519 ${fingerprintOf(bastion)}`);
      await outlastGrace();
      await approveThenSum(env, waiting, bastion);
    } finally {
      await waiting.close();
    }
    expect(graceExpired(bastion)).toBe(false);
  });

  it('a jump host approved once and then an unknown target: the hop is not asked about again when the target is reached anew', async () => {
    const env = await setUp({}, join(mkdtempSync(join(tmpdir(), 'burrow-hk-')), 'known_hosts'), ['--jump', `${bastion.user}@127.0.0.1:${bastion.port}`]);
    const waiting = startClient(['--remote', 'box'], env);
    try {
      await waiting.waitForStderr(new RegExp(`waiting for approval of the host key of \\[127\\.0\\.0\\.1\\]:${bastion.port}`));
      const once = await runBurrow(['hostkeys', 'approve', '--once', fingerprintOf(bastion)], env);
      expect(once.code, once.stderr).toBe(0);
      await waiting.waitForStderr(new RegExp(`waiting for approval of the host key of \\[127\\.0\\.0\\.1\\]:${target.port}`));
      await approveThenSum(env, waiting, target);
      expect(waiting.stderr().match(new RegExp(`host key of \\[127\\.0\\.0\\.1\\]:${bastion.port}`, 'g'))).toHaveLength(1);
    } finally {
      await waiting.close();
    }
  });
});

describe.skipIf(process.getuid?.() !== 0)('a tunnel device’s own sshd', () => {
  let device: SshdFixture | undefined;
  let daemon: DaemonHandle | undefined;
  let tunnel: DeviceDial | undefined;
  afterAll(async () => {
    await tunnel?.stop();
    await daemon?.stop();
    device?.stop();
  });

  it('its unknown host key approved after the device sshd’s LoginGraceTime: the session goes on through the tunnel', async () => {
    device = await startDeviceSshd(GRACE);
    const env = burrowEnv();
    const [listenPort, tunnelPort] = [await freePort(), await freePort()];
    daemon = await startDaemon(env, ['--listen', `127.0.0.1:${listenPort}`]);
    await waitFor('the embedded SSH server', () => (daemon!.stdout().includes('Burrow SSH server: listening') ? true : undefined));
    const work = mkdtempSync(join(tmpdir(), 'burrow-devicekey-'));
    const deviceKey = makeDeviceKey(work);
    const deviceFingerprint = keyFingerprint(`${deviceKey.key}.pub`);
    const dialOpts = { listenPort, key: deviceKey.key, knownHosts: pinBurrowServer(env.BURROW_HOME, listenPort, work) };
    // The device's key is let in first (turned away once, then approved), so only the sshd's host key is a question.
    expect(await dialIn(dialOpts, tunnelPort, device.port).exited).toBe(255);
    const letIn = await runBurrow(['devices', 'approve', deviceFingerprint, '--name', 'pi'], env);
    expect(letIn.code, letIn.stderr).toBe(0);
    tunnel = dialIn(dialOpts, tunnelPort, device.port);
    await waitFor('the tunnel to come up', async () => {
      const r = await runBurrow(['devices', 'list', '--json'], env);
      return (JSON.parse(r.stdout) as { devices: { name: string; tunnel: string }[] }).devices.some((d) => d.name === 'pi' && d.tunnel === 'up') ? true : undefined;
    });
    const added = await runBurrow(
      ['remote', 'add', 'pi-mcp', '--tunnel', 'pi', '--user', DEVICE_LOGIN, '--key', device.clientKey, '--no-agent', '--known-hosts', device.emptyKnownHostsFile, '--command', 'mcp-server'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);

    const waiting = startClient(['--remote', 'pi-mcp'], env);
    try {
      await waiting.waitForStderr(new RegExp(`waiting for approval of the host key of \\[127\\.0\\.0\\.1\\]:${tunnelPort}`));
      await outlastGrace();
      await approveThenSum(env, waiting, device);
    } finally {
      await waiting.close();
    }
    expect(graceExpired(device)).toBe(false);
  });
});

describe('Test connection (testRemote)', () => {
  const makeApi = inProcessApis();

  const summary = (steps: TestStep[]) => steps.map((s) => `${s.step}:${s.ok ? 'ok' : 'failed'}`);

  it('approved once after LoginGraceTime: every step passes, and the key is not remembered', async () => {
    const { api, events } = makeApi();
    const testing = api.testRemote({
      name: 'lab', host: '127.0.0.1', port: target.port, user: target.user, identityFiles: [target.clientKey], useAgent: false,
      knownHostsPath: target.emptyKnownHostsFile, mode: 'exec', command: EVERYTHING_COMMAND,
    });
    await expect.poll(() => events.find((e) => e.type === 'approval-added'), { timeout: 20_000 }).toBeTruthy();
    await outlastGrace();
    const [pending] = await api.pendingApprovals();
    expect(await api.answerApproval(pending.id, 'approve-once')).toBe(1);
    const steps = await testing;
    expect(summary(steps)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'mcp-initialize:ok']);
    expect(steps[1].detail).toContain(`${fingerprintOf(target)} is trusted`);
    expect(graceExpired(target)).toBe(false);
    expect((await api.knownHostKeys()).filter((k) => k.port === target.port)).toEqual([]);
  });

  it.each(['approve-once', 'approve'] as const)('a different key on the connection after the approval (%s) is refused as changed, and never logs in', async (decision) => {
    const swapping = await startSshd({ extraConfig: GRACE });
    try {
      const { api, events } = makeApi();
      const first = fingerprintOf(swapping);
      const testing = api.testRemote({
        name: 'lab', host: '127.0.0.1', port: swapping.port, user: swapping.user, identityFiles: [swapping.clientKey], useAgent: false,
        knownHostsPath: swapping.emptyKnownHostsFile, mode: 'exec', command: EVERYTHING_COMMAND,
      });
      await expect.poll(() => events.find((e) => e.type === 'approval-added'), { timeout: 20_000 }).toBeTruthy();
      // While the person decides, the server comes back with another host key (as an attacker in the middle would).
      swapping.stop();
      rmSync(swapping.hostKeyFile);
      rmSync(`${swapping.hostKeyFile}.pub`);
      keygen(swapping.hostKeyFile);
      await swapping.restart();
      const second = fingerprintOf(swapping);
      expect(second).not.toBe(first);
      const logins = swapping.acceptedLogins();
      const [pending] = await api.pendingApprovals();
      expect(pending.kind === 'host-key' && pending.fingerprint).toBe(first);
      expect(await api.answerApproval(pending.id, decision)).toBe(1);
      const steps = await testing;
      expect(summary(steps)).toEqual(['tcp:ok', 'host-key:failed']);
      expect(steps[1].detail).toMatch(/^Host key verification failed\. WARNING: /);
      expect(steps[1].detail).toContain(second);
      expect(steps[1].detail).toContain(first);
      expect(swapping.acceptedLogins()).toBe(logins);
    } finally {
      swapping.stop();
    }
  });
});
