import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSH_TOOL_NAMES } from '../../shared/tools.js';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { toolResultText } from '../support/tool-result-text.js';

/** `burrow install claude-desktop --tools`: the entry it writes, run as Claude Desktop runs it. */
let sshd: ShellSshd;
let env: Record<string, string>;
let daemon: DaemonHandle;
let configPath: string;

const OTHER = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] };

beforeAll(async () => {
  if (!canRunShellSshd) return;
  sshd = await startShellSshd();
  env = burrowEnv();
  delete env.XDG_CONFIG_HOME;
  configPath = join(env.HOME, '.config', 'Claude', 'claude_desktop_config.json');
  const common = ['--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile];
  expect((await runBurrow(['remote', 'add', 'box', ...common, '--tools', '--description', 'the build box'], env)).code).toBe(0);
  expect((await runBurrow(['remote', 'add', 'plain', ...common, '--command', 'cat'], env)).code).toBe(0);
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe.skipIf(!canRunShellSshd)('burrow install HOST --tools', () => {
  it('refuses a remote without the tools, in one line naming --tools', async () => {
    const r = await runBurrow(['install', 'claude-desktop', '--tools', '--remote', 'plain'], env);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('burrow: install --tools: remote "plain" does not have the built-in SSH tools on: burrow remote add plain … --tools --replace');
    expect(existsSync(configPath)).toBe(false);
  });

  it('writes the burrow-tools entry beside the others; run as Claude Desktop runs it, it serves the ssh_* tools for that remote', async () => {
    mkdirSync(dirname(configPath), { recursive: true });
    writeFileSync(configPath, `${JSON.stringify({ mcpServers: { files: OTHER } }, null, 2)}\n`);
    const r = await runBurrow(['install', 'claude-desktop', '--tools', '--remote', 'box'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\+ {4}"burrow-tools": \{$/m);
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config.mcpServers.files).toEqual(OTHER);
    const entry = config.mcpServers['burrow-tools'] as { command: string; args: string[]; env?: Record<string, string> };
    expect(entry.args.slice(-4)).toEqual(['connect', '--tools', '--remote', 'box']);

    const listed = await runBurrow(['install'], env);
    expect(listed.stdout).toMatch(/claude-desktop\s+found\s+\S+claude_desktop_config\.json\n\s+no Burrow remotes; built-in SSH tools/);

    // Claude Desktop: the SDK's stdio transport, its small default environment plus the entry's env, from /.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: entry.env, cwd: '/', stderr: 'pipe' });
    const client = new Client({ name: 'claude-ai', version: '0.1.0' });
    try {
      await client.connect(transport);
      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual([...SSH_TOOL_NAMES].sort());
      const remotes = toolResultText(await client.callTool({ name: 'ssh_list_remotes', arguments: {} }));
      expect(remotes).toContain('the build box');
      expect(remotes).not.toContain('plain');
      const listing = await client.callTool({ name: 'ssh_connect', arguments: { remote: 'box' } });
      expect(listing.isError, toolResultText(listing)).toBeFalsy();
    } finally {
      await client.close();
    }

    // Installing again changes nothing; uninstall --tools removes that entry only.
    expect((await runBurrow(['install', 'claude-desktop', '--tools', '--remote', 'box'], env)).stdout).toContain('nothing to write');
    const gone = await runBurrow(['uninstall', 'claude-desktop', '--tools'], env);
    expect(gone.code, gone.stderr).toBe(0);
    expect(JSON.parse(readFileSync(configPath, 'utf8'))).toEqual({ mcpServers: { files: OTHER } });
  });
});
