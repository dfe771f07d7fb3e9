import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { DemoController } from '../../electron/core/demo/demo-controller.js';
import { sha256Fingerprint } from '../../electron/core/hostkeys/fingerprint.js';
import { ChannelTransport } from '../../electron/core/inspector/channel-transport.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { ConfSettingsStore } from '../../electron/core/settings/settings-store.js';

/** An ssh2 client that accepts only the expected host key (callback form, as the engine does). */
function connect(port: number, keyPath: string, fingerprint: string, user = 'demo'): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port,
      username: user,
      privateKey: readFileSync(keyPath),
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => verify(sha256Fingerprint(key) === fingerprint),
    } as ssh2.ConnectConfig);
  });
}

function exec(client: ssh2.Client, command: string): Promise<ssh2.ClientChannel> {
  return new Promise((resolve, reject) => client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel))));
}

describe('DemoController: the first screen\'s demo, in-process', () => {
  it('offers the demo while nothing is saved, serves it to an ssh2 client with the demo key, and removes it again', async () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-democtl-'));
    const settings = new ConfSettingsStore(home);
    const demo = new DemoController({ home, logger: silentLogger, settings });
    try {
      expect(demo.shouldOffer()).toBe(true);
      const remote = await demo.enable();
      expect(demo.shouldOffer()).toBe(false);
      const server = demo.server!;
      expect(remote).toMatchObject({ name: 'demo', host: '127.0.0.1', port: server.port, user: 'demo', mode: 'exec', command: 'burrow-demo' });

      const ssh = await connect(server.port, remote.identityFiles[0], server.hostKey.fingerprint);
      const mcp = new McpClient({ name: 'demo-test', version: '1' });
      try {
        await mcp.connect(new ChannelTransport(await exec(ssh, 'burrow-demo')));
        expect((await mcp.listTools()).tools.map((t) => t.name).sort()).toEqual(['add', 'echo', 'where-am-i']);
        expect((await mcp.callTool({ name: 'add', arguments: { a: 40, b: 2 } })).structuredContent).toEqual({ sum: 42 });
        const greeting = await mcp.readResource({ uri: 'demo://greeting/Ada' });
        expect(JSON.stringify(greeting.contents)).toContain('Hello, Ada');
        const tour = await mcp.getPrompt({ name: 'tour', arguments: { name: 'Ada' } });
        expect(JSON.stringify(tour.messages)).toContain('Hi, I am Ada');
      } finally {
        await mcp.close();
        ssh.end();
      }

      expect(await demo.disable()).toBe(true);
      expect(settings.getRemote('demo')).toBeUndefined();
      expect(demo.server).toBeUndefined();
      await expect(connect(server.port, remote.identityFiles[0], server.hostKey.fingerprint)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await demo.close();
    }
  });

  it('leaves a person\'s own remote "demo" alone: enable() says so in one line and serves nothing', async () => {
    const home = mkdtempSync(join(tmpdir(), 'burrow-democtl-'));
    const settings = new ConfSettingsStore(home);
    settings.saveRemote({ name: 'demo', host: 'mine.example', port: 22, user: 'me', identityFiles: [], useAgent: true, usePassword: false, mode: 'shell', hostKeyPolicy: 'ask' });
    const demo = new DemoController({ home, logger: silentLogger, settings });
    try {
      await expect(demo.enable()).rejects.toThrow('a remote named "demo" exists already and is not Burrow\'s demo; the demo was not added');
      expect(demo.server).toBeUndefined();
      expect(settings.getRemote('demo')?.host).toBe('mine.example');
      // Removing goes through the ordinary path for a person's own "demo": disable() does not touch it.
      expect(await demo.disable()).toBe(false);
      expect(settings.getRemote('demo')?.host).toBe('mine.example');
    } finally {
      await demo.close();
    }
  });
});
