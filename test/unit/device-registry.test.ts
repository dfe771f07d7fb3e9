import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { ApprovalBroker } from '../../electron/core/approvals/approval-broker.js';
import { AuditLog } from '../../electron/core/audit/audit-log.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { DeviceRegistry } from '../../electron/core/sshserver/device-registry.js';
import { parseListenAddress } from '../../electron/core/sshserver/start-embedded.js';
import { sha256Fingerprint } from '../../electron/core/hostkeys/fingerprint.js';
import { generateEd25519Pair } from '../../electron/core/ssh/key-generator.js';

function deviceKey(): Buffer {
  const pair = generateEd25519Pair('device');
  const parsed = ssh2.utils.parseKey(pair.public);
  if (parsed instanceof Error) throw parsed;
  return (Array.isArray(parsed) ? parsed[0] : parsed).getPublicSSH();
}

function registry(timeoutMs = 60_000) {
  const home = mkdtempSync(join(tmpdir(), 'burrow-devices-'));
  const broker = new ApprovalBroker();
  const audit = new AuditLog(join(home, 'logs'));
  return { home, broker, devices: new DeviceRegistry({ home, broker, logger: silentLogger, audit, approvalTimeoutMs: () => timeoutMs }) };
}

describe('parseListenAddress', () => {
  it('takes PORT, ADDR:PORT and [IPv6]:PORT, with 127.0.0.1 by default', () => {
    expect(parseListenAddress('2222')).toEqual({ host: '127.0.0.1', port: 2222 });
    expect(parseListenAddress('0.0.0.0:2222')).toEqual({ host: '0.0.0.0', port: 2222 });
    expect(parseListenAddress('[::1]:2222')).toEqual({ host: '::1', port: 2222 });
  });
  it('refuses anything else in one line', () => {
    expect(() => parseListenAddress('ssh.example')).toThrow('--listen takes [ADDR:]PORT (e.g. 2222 or 0.0.0.0:2222), not "ssh.example"');
    expect(() => parseListenAddress('70000')).toThrow('--listen takes');
  });
});

describe('DeviceRegistry', () => {
  it('queues an unknown key with its port once, and approves it under a name into devices.json (0600)', async () => {
    const { home, broker, devices } = registry();
    const key = deviceKey();
    const fp = sha256Fingerprint(key);
    devices.askApproval(key, 'ssh-ed25519', '10.0.0.7', 2222);
    devices.askApproval(key, 'ssh-ed25519', '10.0.0.7', 2222);
    expect(broker.pending()).toEqual([expect.objectContaining({ kind: 'device-key', fingerprint: fp, address: '10.0.0.7', port: 2222 })]);
    // A device key is not a host key: the host-key answer does not touch it.
    expect(broker.answer(fp, 'approve')).toBe(0);
    const device = devices.approve(fp, 'pi');
    expect(device).toMatchObject({ name: 'pi', port: 2222, fingerprint: fp, publicKey: key.toString('base64') });
    expect(broker.pending()).toEqual([]);
    expect(devices.deviceForKey(key)?.name).toBe('pi');
    expect(statSync(join(home, 'devices.json')).mode & 0o777).toBe(0o600);
    expect(devices.list().devices).toEqual([expect.objectContaining({ name: 'pi', tunnel: 'down' })]);
    const logs = join(home, 'logs');
    const audit = readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('');
    const entries = audit.trim().split('\n').map((l) => JSON.parse(l) as { event: string; verdict: string; fingerprint: string });
    expect(entries.map((e) => [e.event, e.verdict, e.fingerprint])).toEqual([
      ['device', 'asked', fp],
      ['device', 'approved', fp],
    ]);
  });

  it('refuses a second device on a taken name or port, and says how to find out', () => {
    const { devices } = registry();
    const [a, b] = [deviceKey(), deviceKey()];
    devices.askApproval(a, 'ssh-ed25519', '10.0.0.7', 2222);
    devices.approve(sha256Fingerprint(a), 'pi');
    devices.askApproval(b, 'ssh-ed25519', '10.0.0.8', 2222);
    expect(() => devices.approve(sha256Fingerprint(b), 'cam')).toThrow('port 2222 belongs to device "pi" (burrow devices list)');
    expect(() => devices.approve(sha256Fingerprint(b), 'pi', 2223)).toThrow('a device named "pi" exists already');
    expect(devices.approve(sha256Fingerprint(b), 'cam', 2223).port).toBe(2223);
  });

  it('resolves a live tunnel to 127.0.0.1:PORT and says "has not dialled in" otherwise', async () => {
    const { devices } = registry();
    const key = deviceKey();
    devices.askApproval(key, 'ssh-ed25519', '10.0.0.7', 2222);
    devices.approve(sha256Fingerprint(key), 'pi');
    expect(() => devices.resolveTunnel('pi')).toThrow('device pi has not dialled in (it connects with: ssh -N -R 2222:localhost:22 burrow@THIS_MACHINE)');
    expect(() => devices.resolveTunnel('nope')).toThrow('no device named "nope" is approved');
    const events: unknown[] = [];
    devices.on('tunnel', (e) => events.push(e));
    const tunnel = { port: 2222, address: '10.0.0.7', close: async () => {} };
    devices.tunnelUp('pi', tunnel);
    expect(devices.resolveTunnel('pi')).toEqual({ host: '127.0.0.1', port: 2222 });
    devices.tunnelDown('pi', tunnel);
    expect(events).toEqual([
      { device: 'pi', state: 'up', port: 2222, address: '10.0.0.7' },
      { device: 'pi', state: 'down', port: 2222 },
    ]);
    expect(devices.list().devices[0]).toMatchObject({ tunnel: 'down', lastAddress: '10.0.0.7' });
  });

  it('a rejected key is remembered for this run; one nobody answers leaves the queue after the timeout', async () => {
    const { broker, devices } = registry(200);
    const [a, b] = [deviceKey(), deviceKey()];
    devices.askApproval(a, 'ssh-ed25519', '10.0.0.7', 2222);
    expect(devices.reject(sha256Fingerprint(a))).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(devices.isRejected(a)).toBe(true);
    expect(() => devices.reject(sha256Fingerprint(a))).toThrow('no device key waiting for approval has fingerprint');
    devices.askApproval(b, 'ssh-ed25519', '10.0.0.8', 2224);
    expect(broker.pending()).toHaveLength(1);
    const deadline = Date.now() + 5000;
    while (broker.pending().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(broker.pending()).toEqual([]);
    expect(devices.isRejected(b)).toBe(false);
    expect(() => devices.approve(sha256Fingerprint(b), 'late')).toThrow('it may have timed out');
  });
});

describe('a tunnel remote\'s state', () => {
  it('shows "tunnel up" or "tunnel down: device pi has not dialled in", following the registry\'s events', async () => {
    const { RemoteStatusTracker } = await import('../../electron/core/status/remote-status.js');
    const { ConfSettingsStore } = await import('../../electron/core/settings/settings-store.js');
    const { broker, devices, home } = registry();
    const settings = new ConfSettingsStore(home);
    settings.saveRemote({ name: 'pi-mcp', host: '127.0.0.1', port: 22, user: 'pi', identityFiles: [], useAgent: false, usePassword: false, mode: 'shell', hostKeyPolicy: 'ask', tunnel: { device: 'pi' } });
    const seen: { detail?: string; tunnel?: string }[] = [];
    const tracker = new RemoteStatusTracker(() => settings.listRemotes(), () => broker.pending(), () => 0, (s) => seen.push(s), (d) => !!devices.liveTunnel(d));
    devices.on('tunnel', (e) => tracker.tunnelChanged(e));
    expect(tracker.status('pi-mcp')).toMatchObject({ state: 'disconnected', tunnel: 'down', detail: 'tunnel down: device pi has not dialled in' });
    const tunnel = { port: 2222, address: '10.0.0.7', close: async () => {} };
    devices.tunnelUp('pi', tunnel);
    expect(seen.at(-1)).toMatchObject({ tunnel: 'up', detail: 'tunnel up' });
    devices.tunnelDown('pi', tunnel);
    expect(seen.at(-1)).toMatchObject({ tunnel: 'down' });
  });
});
