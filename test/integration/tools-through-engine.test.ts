import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv } from '../support/burrow-process.js';
import { answerToolCall } from '../support/cli-approvals.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { toolResultJson, toolResultText } from '../support/tool-result-text.js';

/** `burrow connect --tools` as Claude Desktop runs it: the built-in SSH tools through the daemon, a person answering with `burrow approvals`. */
let sshd: ShellSshd;
let env: Record<string, string>;
let daemon: DaemonHandle;

beforeAll(async () => {
  if (!canRunShellSshd) return;
  sshd = await startShellSshd();
  env = burrowEnv();
  await addSshdRemote(env, 'box', sshd, ['--tools', '--description', 'a build box']);
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe.skipIf(!canRunShellSshd)('burrow connect --tools through the engine', () => {
  it('lists the tool-enabled remotes without their addresses, runs an asked-for command once a person allows it, and refuses a denied one', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools'], env, stderr: 'pipe' });
    const client = new Client({ name: 'claude-ai', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    try {
      const tools = (await client.listTools()).tools.map((t) => t.name);
      expect(tools).toEqual(expect.arrayContaining(['ssh_connect', 'ssh_execute', 'ssh_list_remotes', 'ssh_read_remote_file']));
      const remotes = toolResultText(await client.callTool({ name: 'ssh_list_remotes', arguments: {} }));
      expect(remotes).toContain('box');
      expect(remotes).toContain('a build box');
      expect(remotes).not.toContain('127.0.0.1');
      const connected = toolResultJson(await client.callTool({ name: 'ssh_connect', arguments: { remote: 'box' } }));
      const session = connected.session_id as string;

      // Executing asks a person: allowed once with burrow approvals allow.
      const running = client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'echo hello-from-$(whoami)' } });
      await answerToolCall(env, 'allow');
      const result = toolResultJson(await running);
      expect(result.stdout.trim()).toBe(`hello-from-${sshd.user}`);
      expect(result.exit_code).toBe(0);

      // Denied: an error saying so, and nothing runs.
      const denied = client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'touch /tmp/burrow-denied' } });
      await answerToolCall(env, 'deny');
      const refused = await denied;
      expect(refused.isError).toBe(true);
      expect(toolResultText(refused)).toMatch(/denied/i);
    } finally {
      await client.close();
    }
  });
});
