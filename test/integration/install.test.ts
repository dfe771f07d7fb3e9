import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';

let sshd: SshdFixture;
let daemon: DaemonHandle | undefined;
let env: Record<string, string>;
let configPath: string;

const OTHER = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] };

beforeAll(async () => {
  sshd = await startSshd();
  // No XDG_CONFIG_HOME: Claude Desktop's Linux rule is then ~/.config/Claude.
  env = burrowEnv();
  delete env.XDG_CONFIG_HOME;
  configPath = join(env.HOME, '.config', 'Claude', 'claude_desktop_config.json');
  const add = await runBurrow(
    ['remote', 'add', 'prod', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe('burrow install / uninstall claude-desktop', () => {
  it('dry run prints the JSON it would write and writes nothing', async () => {
    const r = await runBurrow(['install', 'claude-desktop', '--dry-run'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('+++ ' + configPath);
    expect(r.stdout).toContain('+      "args": [');
    expect(r.stdout).toContain('Dry run: nothing written');
    expect(existsSync(configPath)).toBe(false);
  });

  it('refuses a config that does not parse, in one line, and leaves it alone', async () => {
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, '{ "mcpServers": ');
    const r = await runBurrow(['install', 'claude-desktop'], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${configPath} is not valid JSON`);
    expect(readFileSync(configPath, 'utf8')).toBe('{ "mcpServers": ');
    expect(readdirSync(dirname(configPath))).toEqual(['claude_desktop_config.json']);
  });

  it('rejects an unknown remote and an unknown host with what to do', async () => {
    const r = await runBurrow(['install', 'claude-desktop', '--remote', 'nope'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no remote named "nope" (saved remotes: prod)');
    const h = await runBurrow(['install', 'notepad'], env);
    expect(h.code).toBe(1);
    expect(h.stderr).toContain('unknown MCP host "notepad" (use one of: claude-desktop, cursor, vscode, claude-code)');
  });

  it('installs every saved remote, and what it wrote runs as Claude Desktop would run it', async () => {
    writeFileSync(configPath, `${JSON.stringify({ mcpServers: { files: OTHER }, globalShortcut: 'Alt+Space' }, null, 2)}\n`);
    const r = await runBurrow(['install', 'claude-desktop'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Wrote ${configPath}`);
    const backup = /Backup of the previous file: (.+)/.exec(r.stdout)?.[1];
    expect(backup && JSON.parse(readFileSync(backup, 'utf8')).mcpServers.files).toEqual(OTHER);
    expect(r.stdout).toMatch(/^\+ {4}"prod": \{$/m);

    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config.globalShortcut).toBe('Alt+Space');
    expect(config.mcpServers.files).toEqual(OTHER);
    const entry = config.mcpServers.prod as { command: string; args: string[]; env?: Record<string, string> };

    const listed = await runBurrow(['install'], env);
    expect(listed.stdout).toMatch(/claude-desktop\s+found\s+\S+claude_desktop_config\.json\n\s+Burrow remotes: prod/);

    // Claude Desktop starts servers with the MCP SDK's stdio transport: its small default
    // environment (HOME, PATH, USER, …) plus the entry's env, from its own working directory.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: entry.env, cwd: '/', stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const client = new Client({ name: 'claude-ai', version: '0.1.0' });
    try {
      await client.connect(transport);
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('get-sum');
      const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content), stderr).toContain('42');
    } finally {
      await client.close();
    }
    // Through the running daemon's pooled connection: one SSH login.
    expect(sshd.acceptedLogins()).toBe(1);
  });

  it('installing again changes nothing; uninstall removes only Burrow entries', async () => {
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, `${JSON.stringify({ mcpServers: { files: OTHER }, globalShortcut: 'Alt+Space' }, null, 2)}\n`);
    expect((await runBurrow(['install', 'claude-desktop'], env)).code).toBe(0);
    const again = await runBurrow(['install', 'claude-desktop', '--remote', 'prod'], env);
    expect(again.stdout).toContain('already has these Burrow entries; nothing to write');

    const r = await runBurrow(['uninstall', 'claude-desktop'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^- {4}"prod": \{$/m);
    expect(r.stdout).toContain('Backup of the previous file:');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config).toEqual({ mcpServers: { files: OTHER }, globalShortcut: 'Alt+Space' });

    const none = await runBurrow(['uninstall', 'claude-desktop'], env);
    expect(none.stdout).toContain('has no Burrow entries to remove');
  });
});

describe('with the default Burrow home, as a real user has it', () => {
  it('the written entry finds the engine started in a desktop session (XDG_RUNTIME_DIR) from the small env MCP hosts pass', async () => {
    const userEnv = burrowEnv();
    delete userEnv.BURROW_HOME;
    delete userEnv.XDG_CONFIG_HOME;
    const runtimeDir = join(userEnv.HOME, 'xdg-run');
    mkdirSync(runtimeDir, { mode: 0o700 });
    userEnv.XDG_RUNTIME_DIR = runtimeDir;
    const add = await runBurrow(
      ['remote', 'add', 'lab', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
      userEnv,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(existsSync(join(userEnv.HOME, '.config', 'burrow', 'settings.json'))).toBe(true);
    const userDaemon = await startDaemon(userEnv);
    try {
      expect(existsSync(join(runtimeDir, 'burrow', 'daemon.sock'))).toBe(true);
      const r = await runBurrow(['install', 'claude-desktop'], userEnv);
      expect(r.code, r.stderr).toBe(0);
      const entry = JSON.parse(readFileSync(join(userEnv.HOME, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8')).mcpServers.lab;
      expect(entry.env).toEqual({ XDG_RUNTIME_DIR: runtimeDir });
      // HOME is the user's (the runner's own HOME is not this test's); the rest is the SDK's default set plus the entry's env.
      const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { HOME: userEnv.HOME, ...entry.env }, cwd: '/', stderr: 'pipe' });
      const client = new Client({ name: 'claude-ai', version: '0.1.0' });
      try {
        await client.connect(transport);
        const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
        expect(JSON.stringify(sum.content)).toContain('42');
      } finally {
        await client.close();
      }
      // Served by the daemon already running: the helper did not start an engine of its own.
      expect(existsSync(join(userEnv.HOME, '.config', 'burrow', 'run', 'daemon.sock'))).toBe(false);
    } finally {
      await userDaemon.stop();
    }
  });
});
