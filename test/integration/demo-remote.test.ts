import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY_FILE, ensureDemoRemote, removeDemoRemote } from '../../electron/core/demo/demo-remote.js';
import { ConfSettingsStore } from '../../electron/core/settings/settings-store.js';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { waitFor } from '../support/device.js';

interface RemoteRow {
  name: string;
  host: string;
  port: number;
  user: string;
  mode: string;
  command?: string;
  identityFiles: string[];
}

describe('the demo remote: a demo MCP server behind Burrow\'s embedded SSH server', () => {
  let env: Record<string, string>;
  let daemon: DaemonHandle;
  let serverFp: string;
  const demoRemote = async () => {
    const r = await runBurrow(['remote', 'list', '--json'], env);
    return (JSON.parse(r.stdout) as RemoteRow[]).find((x) => x.name === 'demo');
  };

  beforeAll(async () => {
    env = burrowEnv();
    daemon = await startDaemon(env, ['--demo']);
    await waitFor('the embedded SSH server', () => (daemon.stdout().includes('Burrow SSH server: listening') ? true : undefined));
    serverFp = execFileSync('ssh-keygen', ['-lf', join(env.BURROW_HOME, 'server_host_ed25519.pub')], { encoding: 'utf8' }).split(' ')[1];
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('is saved as remote "demo" with a key Burrow made, and answers tools, a prompt and a resource after its host key is approved', async () => {
    const remote = await demoRemote();
    expect(remote).toMatchObject({ host: '127.0.0.1', user: 'demo', mode: 'exec', command: 'burrow-demo', identityFiles: [join(env.BURROW_HOME, DEMO_KEY_FILE)] });
    expect(daemon.stdout()).toContain(`listening on 127.0.0.1:${remote!.port}, host key ED25519 ${serverFp}`);
    expect(statSync(join(env.BURROW_HOME, DEMO_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.BURROW_HOME, 'server_host_ed25519')).mode & 0o777).toBe(0o600);

    // The same host-key approval as any remote: the session waits until a person says yes.
    const connecting = connectClient(['--remote', 'demo'], env);
    const pending = await waitFor('the demo host key in the queue', async () => {
      const r = await runBurrow(['hostkeys', 'list', '--json'], env);
      return (JSON.parse(r.stdout) as { pending: { fingerprint: string; port: number }[] }).pending[0];
    });
    expect(pending).toMatchObject({ fingerprint: serverFp, port: remote!.port });
    expect((await runBurrow(['hostkeys', 'approve', serverFp], env)).code).toBe(0);
    const c = await connecting;
    try {
      const tools = await c.client.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['add', 'echo', 'where-am-i']);
      const added = await c.client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
      expect(added.structuredContent).toEqual({ sum: 42 });
      const echoed = await c.client.callTool({ name: 'echo', arguments: { text: 'through the burrow' } });
      expect(echoed.content).toEqual([{ type: 'text', text: 'through the burrow' }]);
      const prompts = await c.client.listPrompts();
      expect(prompts.prompts.map((p) => p.name)).toEqual(['tour']);
      const readme = await c.client.readResource({ uri: 'demo://readme' });
      expect(JSON.stringify(readme.contents)).toContain("This is Burrow's demo remote");
      expect(c.client.getServerVersion()?.name).toBe('burrow-demo');
    } finally {
      await c.close();
    }
  });

  it('refuses anything but the demo server: another command exits 127, another user or key is not let in', () => {
    const port = readFileSync(join(env.BURROW_HOME, 'settings.json'), 'utf8').match(/"port": (\d+)/)![1];
    const known = join(mkdtempSync(join(tmpdir(), 'burrow-demo-kh-')), 'known_hosts');
    const ssh = (user: string, key: string, command: string) =>
      spawnSync('ssh', ['-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-o', `UserKnownHostsFile=${known}`, '-o', 'IdentitiesOnly=yes', '-i', key, '-p', port, `${user}@127.0.0.1`, command], {
        encoding: 'utf8',
        input: '',
        timeout: 20_000,
      });
    const demoKey = join(env.BURROW_HOME, DEMO_KEY_FILE);
    const other = ssh('demo', demoKey, 'id');
    expect(other.status).toBe(127);
    expect(other.stderr).toContain('burrow demo: unknown command "id"');
    const wrongUser = ssh('root', demoKey, 'burrow-demo');
    expect(wrongUser.status).toBe(255);
    expect(wrongUser.stderr).toContain('Permission denied');
    const strangerKey = join(mkdtempSync(join(tmpdir(), 'burrow-stranger-')), 'k');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', strangerKey]);
    const stranger = ssh('demo', strangerKey, 'burrow-demo');
    expect(stranger.status).toBe(255);
    expect(stranger.stderr).toContain('Permission denied');
    // Without --listen there are no devices: user burrow is not let in either.
    expect(ssh('burrow', strangerKey, 'x').status).toBe(255);
  });

  it('after a restart it listens on the same port with the same host key, so the approval still holds', async () => {
    const before = await demoRemote();
    await daemon.stop();
    daemon = await startDaemon(env, ['--demo']);
    await waitFor('the embedded SSH server', () => (daemon.stdout().includes('Burrow SSH server: listening') ? true : undefined));
    expect(daemon.stdout()).toContain(`listening on 127.0.0.1:${before!.port}, host key ED25519 ${serverFp}`);
    expect((await demoRemote())?.port).toBe(before!.port);
    const c = await connectClient(['--remote', 'demo'], env);
    try {
      const r = await c.client.callTool({ name: 'add', arguments: { a: 1, b: 1 } });
      expect(r.structuredContent).toEqual({ sum: 2 });
    } finally {
      await c.close();
    }
  });
});

describe('ensureDemoRemote / removeDemoRemote', () => {
  it('adds and updates Burrow\'s own demo remote, never overwrites a person\'s "demo", and removes only its own', () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-demo-settings-'));
    const settings = new ConfSettingsStore(home);
    const key = join(home, DEMO_KEY_FILE);
    expect(ensureDemoRemote(settings, { port: 4000, demoKeyPath: key })).toMatchObject({ name: 'demo', port: 4000, user: 'demo', mode: 'exec' });
    expect(ensureDemoRemote(settings, { port: 4001, demoKeyPath: key }).port).toBe(4001);
    expect(settings.listRemotes()).toHaveLength(1);
    expect(removeDemoRemote(settings, key)).toBe(true);
    expect(settings.listRemotes()).toEqual([]);

    settings.saveRemote({ name: 'demo', host: 'mine.example', port: 22, user: 'me', identityFiles: [], useAgent: true, usePassword: false, mode: 'shell', hostKeyPolicy: 'ask' });
    expect(() => ensureDemoRemote(settings, { port: 4000, demoKeyPath: key })).toThrow('a remote named "demo" exists already and is not Burrow\'s demo');
    expect(removeDemoRemote(settings, key)).toBe(false);
    expect(settings.getRemote('demo')?.host).toBe('mine.example');
  });
});
