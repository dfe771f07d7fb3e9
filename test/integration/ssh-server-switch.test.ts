import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshServerState } from '../../shared/devices.js';
import { startUiDaemon, type UiDaemon } from '../browser/ui-harness.js';
import { burrowEnv } from '../support/burrow-process.js';
import { acceptsConnections } from '../support/port-probe.js';
import { freePort } from '../support/sshd.js';


describe("the window's switch for Burrow's SSH server (devices), remembered across engine starts", () => {
  let env: Record<string, string>;
  let daemon: UiDaemon;
  let port: number;
  const state = async () => (await daemon.call('sshServerState')) as SshServerState;
  const restart = async (args: string[] = []) => {
    await daemon.stop();
    daemon = await startUiDaemon(env, args);
  };
  const savedListen = () => (JSON.parse(readFileSync(join(env.BURROW_HOME, 'settings.json'), 'utf8')) as { sshServer?: { listen: string } }).sshServer?.listen;

  beforeAll(async () => {
    env = burrowEnv();
    port = await freePort();
    daemon = await startUiDaemon(env);
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it('is off on a fresh home; turned on it listens at once, is saved, and the next engine listens there again', async () => {
    expect(await state()).toEqual({});
    expect(await acceptsConnections(port)).toBe(false);
    await expect(daemon.call('setSshServer', 'not-an-address')).rejects.toThrow('takes [ADDR:]PORT');

    const on = await daemon.call('setSshServer', `127.0.0.1:${port}`);
    expect(on).toMatchObject({ listening: `127.0.0.1:${port}`, remembered: `127.0.0.1:${port}`, fingerprint: expect.stringMatching(/^SHA256:/) });
    expect(await acceptsConnections(port)).toBe(true);
    expect(savedListen()).toBe(`127.0.0.1:${port}`);
    // The devices' commands answer now (they say how to start the server while it is off).
    expect(await daemon.call('listDevices')).toMatchObject({ listening: `127.0.0.1:${port}`, devices: [] });

    await restart();
    expect(await state()).toMatchObject({ listening: `127.0.0.1:${port}`, remembered: `127.0.0.1:${port}` });
    expect(await acceptsConnections(port)).toBe(true);
  });

  it('`burrow daemon --listen` overrides the remembered address for that run without changing it', async () => {
    const other = await freePort();
    await restart(['--listen', `127.0.0.1:${other}`]);
    expect(await state()).toMatchObject({ listening: `127.0.0.1:${other}`, remembered: `127.0.0.1:${port}` });
    expect(await acceptsConnections(port)).toBe(false);
    expect(savedListen()).toBe(`127.0.0.1:${port}`);
  });

  it('a remembered port that is taken leaves the engine running, with the reason on the switch', async () => {
    await daemon.stop();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
    try {
      daemon = await startUiDaemon(env);
      const s = await state();
      expect(s.listening).toBeUndefined();
      expect(s.remembered).toBe(`127.0.0.1:${port}`);
      expect(s.problem).toMatch(new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
      expect(await daemon.call('listRemotes')).toEqual([]);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    // Turned on again once the port is free.
    expect(await daemon.call('setSshServer', `127.0.0.1:${port}`)).toMatchObject({ listening: `127.0.0.1:${port}` });
  });

  it('turned off it stops and is forgotten; a demo it served moves to a server of its own and keeps answering', async () => {
    const demo = (await daemon.call('addDemoRemote')) as { port: number };
    // Shares the devices' port while that server runs.
    expect(demo.port).toBe(port);
    const { fingerprint } = await state();
    const approve = setInterval(() => void daemon.call('answerApproval', fingerprint, 'approve').catch(() => {}), 200);
    try {
      expect(((await daemon.call('callTool', 'demo', 'add', { a: 1, b: 1 })) as { raw: { structuredContent: unknown } }).raw.structuredContent).toEqual({ sum: 2 });
    } finally {
      clearInterval(approve);
    }

    // Off for devices; the demo's own server still offers the same key (the window's host-key dialog names it).
    expect(await daemon.call('setSshServer')).toEqual({ demoFingerprint: fingerprint });
    expect(savedListen()).toBeUndefined();
    await expect(daemon.call('listDevices')).rejects.toThrow('SSH server for devices is off');
    // The demo is on its own 127.0.0.1 server now, at the same port, so its remembered host key still holds.
    const remotes = (await daemon.call('listRemotes')) as { name: string; port: number }[];
    expect(remotes).toEqual([expect.objectContaining({ name: 'demo', port })]);
    expect(((await daemon.call('callTool', 'demo', 'add', { a: 2, b: 2 })) as { raw: { structuredContent: unknown } }).raw.structuredContent).toEqual({ sum: 4 });

    await daemon.call('removeRemote', 'demo');
    await restart();
    expect(await state()).toEqual({});
    expect(await acceptsConnections(port)).toBe(false);
  });
});
