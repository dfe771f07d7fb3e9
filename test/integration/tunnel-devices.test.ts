import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, INITIALIZE, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { DEVICE_LOGIN, dialIn, makeDeviceKey, pinBurrowServer, sshToBurrow, startDeviceSshd, waitFor, type DeviceDial } from '../support/device.js';
import { freePort, sshdAvailable, type SshdFixture } from '../support/sshd.js';

interface Listing {
  devices: { name: string; tunnel: 'up' | 'down'; port: number; fingerprint: string }[];
  pending: { fingerprint: string; address: string; port: number }[];
  serverFingerprint?: string;
  listening?: string;
}

const canRun = sshdAvailable() && process.getuid?.() === 0;

describe.skipIf(!canRun)('edge devices: ssh -R into Burrow, then MCP through the tunnel', () => {
  let device: SshdFixture;
  let env: Record<string, string>;
  let daemon: DaemonHandle;
  let listenPort: number;
  let tunnelPort: number;
  let deviceKey: { key: string; pub: string };
  let dialOpts: { listenPort: number; key: string; knownHosts: string };
  let fingerprint: string;
  const dials: DeviceDial[] = [];

  const listing = async (): Promise<Listing> => {
    const r = await runBurrow(['devices', 'list', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Listing;
  };
  const tunnelState = async (name: string) => (await listing()).devices.find((d) => d.name === name)?.tunnel;
  const dial = (port = tunnelPort) => {
    const d = dialIn(dialOpts, port, device.port);
    dials.push(d);
    return d;
  };
  const sum = async () => {
    const c = await connectClient(['--remote', 'pi-mcp'], env);
    try {
      const r = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      return JSON.stringify(r.content);
    } catch (error) {
      throw new Error(`${(error as Error).message}; helper stderr: ${c.stderr()}`);
    } finally {
      await c.close();
    }
  };

  beforeAll(async () => {
    device = await startDeviceSshd();
    env = burrowEnv();
    [listenPort, tunnelPort] = [await freePort(), await freePort()];
    daemon = await startDaemon(env, ['--listen', `127.0.0.1:${listenPort}`]);
    await waitFor('the embedded SSH server', () => (daemon.stdout().includes('Burrow SSH server: listening') ? true : undefined));
    const work = mkdtempSync(join(tmpdir(), 'burrow-devicekey-'));
    deviceKey = makeDeviceKey(work);
    fingerprint = execFileSync('ssh-keygen', ['-lf', `${deviceKey.key}.pub`], { encoding: 'utf8' }).split(' ')[1];
    dialOpts = { listenPort, key: deviceKey.key, knownHosts: pinBurrowServer(env.BURROW_HOME, listenPort, work) };
    // Burrow checks the device sshd's host key as for any remote: it is reached as [127.0.0.1]:TUNNEL_PORT.
    const deviceKnownHosts = join(work, 'device_known_hosts');
    const hostPub = readFileSync(`${device.hostKeyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    writeFileSync(deviceKnownHosts, `[127.0.0.1]:${tunnelPort} ${hostPub}\n`);
    const added = await runBurrow(
      ['remote', 'add', 'pi-mcp', '--tunnel', 'pi', '--user', DEVICE_LOGIN, '--key', device.clientKey, '--no-agent', '--known-hosts', deviceKnownHosts, '--command', 'mcp-server', '--no-resume'],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`added remote "pi-mcp" (${DEVICE_LOGIN}@tunnel:pi`);
  });

  afterAll(async () => {
    await Promise.all(dials.map((d) => d.stop()));
    await daemon?.stop();
    device?.stop();
  });

  it('shows the server host key a device pins, and an unknown device key waits for approval while it is turned away', async () => {
    const shown = readFileSync(join(env.BURROW_HOME, 'server_host_ed25519.pub'), 'utf8');
    const serverFp = execFileSync('ssh-keygen', ['-lf', '-'], { input: shown, encoding: 'utf8' }).split(' ')[1];
    expect(daemon.stdout()).toContain(`Burrow SSH server: listening on 127.0.0.1:${listenPort}, host key ED25519 ${serverFp}`);

    const first = dial();
    expect(await first.exited).toBe(255);
    expect(first.stderr()).toContain(`remote port forwarding failed for listen port ${tunnelPort}`);
    const l = await listing();
    expect(l.pending).toEqual([expect.objectContaining({ fingerprint, address: '127.0.0.1', port: tunnelPort })]);
    expect(l.serverFingerprint).toBe(serverFp);
    const text = await runBurrow(['devices', 'list'], env);
    expect(text.stdout).toContain(`device key ${fingerprint} from 127.0.0.1 asks to open a tunnel on port ${tunnelPort}`);
    // Not a host key: `hostkeys approve` does not let a device in by mistake.
    expect((await runBurrow(['hostkeys', 'approve', fingerprint], env)).code).toBe(1);

    const early = await runBurrow(['connect', '--remote', 'pi-mcp'], env, `${INITIALIZE}\n`);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('no device named "pi" is approved');
  });

  it('approved with burrow devices approve, the device is reached through its tunnel: an MCP tool call works', async () => {
    const approved = await runBurrow(['devices', 'approve', fingerprint, '--name', 'pi'], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`approved device "pi" (${fingerprint}) for port ${tunnelPort}`);
    const saved = JSON.parse(readFileSync(join(env.BURROW_HOME, 'devices.json'), 'utf8'));
    expect(saved.devices).toEqual([expect.objectContaining({ name: 'pi', fingerprint, port: tunnelPort })]);

    dial();
    await waitFor('the tunnel to come up', async () => ((await tunnelState('pi')) === 'up' ? true : undefined));
    expect(await sum()).toContain('42');
    expect(device.log()).toContain(`Accepted publickey for ${DEVICE_LOGIN}`);
  });

  it('a device may forward only its own port: shell, exec, another port and local forwarding are refused', async () => {
    const exec = sshToBurrow(dialOpts, [], ['echo', 'hello-from-exec']);
    expect(await exec.exited).not.toBe(0);
    expect(exec.stderr()).toMatch(/open failed|administratively prohibited/);

    const shell = sshToBurrow(dialOpts, ['-T']);
    expect(await shell.exited).not.toBe(0);
    expect(shell.stderr()).toMatch(/open failed|administratively prohibited/);

    const otherPort = await freePort();
    const other = dialIn(dialOpts, otherPort, device.port);
    dials.push(other);
    expect(await other.exited).toBe(255);
    expect(other.stderr()).toContain(`remote port forwarding failed for listen port ${otherPort}`);

    const local = sshToBurrow(dialOpts, ['-W', `127.0.0.1:${device.port}`]);
    expect(await local.exited).not.toBe(0);
    expect(local.stderr()).toMatch(/stdio forwarding failed|open failed|administratively prohibited/);

    // The approved tunnel is untouched by all that.
    expect(await tunnelState('pi')).toBe('up');
    expect(await sum()).toContain('42');
  });

  it('when the tunnel drops, an open session ends as "lost" and a new one gets "device pi has not dialled in"; a re-dial brings the remote back', async () => {
    const relaying = () => (daemon.stderr().match(/relaying to pi-mcp/g) ?? []).length;
    const before = relaying();
    const open = runBurrow(['connect', '--remote', 'pi-mcp'], env, `${INITIALIZE}\n`, 30_000, true);
    await waitFor('the session to relay', () => (relaying() > before ? true : undefined));
    await Promise.all(dials.map((d) => d.stop()));
    const ended = await open;
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/burrow: connection to pi-mcp was lost/);
    await waitFor('the tunnel to go down', async () => ((await tunnelState('pi')) === 'down' ? true : undefined));
    const down = await runBurrow(['connect', '--remote', 'pi-mcp'], env, `${INITIALIZE}\n`);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('device pi has not dialled in');
    expect(down.stderr.trim().split('\n')).toHaveLength(1);

    dial();
    await waitFor('the tunnel to come back', async () => ((await tunnelState('pi')) === 'up' ? true : undefined));
    expect(await sum()).toContain('42');
  });

  it('forget ends the tunnel; the key then asks again, and a rejected key is turned away at login', async () => {
    const live = dials[dials.length - 1];
    const forgot = await runBurrow(['devices', 'forget', 'pi'], env);
    expect(forgot.stdout).toContain('forgot device "pi"');
    expect(await live.exited).not.toBeNull();
    expect((await listing()).devices).toEqual([]);

    const again = dial();
    expect(await again.exited).toBe(255);
    expect((await listing()).pending.map((p) => p.fingerprint)).toEqual([fingerprint]);
    const rejected = await runBurrow(['devices', 'reject', fingerprint], env);
    expect(rejected.code, rejected.stderr).toBe(0);
    const refused = dial();
    expect(await refused.exited).toBe(255);
    expect(refused.stderr()).toContain('Permission denied');
    expect((await listing()).pending).toEqual([]);
  });
});
