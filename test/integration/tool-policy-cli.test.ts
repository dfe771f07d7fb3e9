import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { recordPid } from '../support/run-state.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { toolResultJson, toolResultText } from '../support/tool-result-text.js';

/** `burrow remote add … --tools --tool-policy … --command-rule …`: the policy a host's tool calls then meet. */
let sshd: ShellSshd;
let env: Record<string, string>;
let daemon: DaemonHandle;
let common: string[];

beforeAll(async () => {
  if (!canRunShellSshd) return;
  sshd = await startShellSshd();
  env = burrowEnv();
  common = ['--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile];
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe.skipIf(!canRunShellSshd)('tool policy from the command line', () => {
  it('refuses a policy without --tools, and a bad rule, in one line', async () => {
    const without = await runBurrow(['remote', 'add', 'nope', ...common, '--tool-policy', 'ssh_execute=allow'], env);
    expect(without.code).toBe(1);
    expect(without.stderr.trim()).toBe('burrow: remote add: --tool-policy and --command-rule need --tools');
    const bad = await runBurrow(['remote', 'add', 'nope', ...common, '--tools', '--command-rule', 'deny:^rm ('], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('burrow: remote add: --command-rule deny:^rm (: not a valid regular expression');
  });

  it('ssh_execute=allow runs without asking; the rule deny:^rm refuses by policy', async () => {
    const added = await runBurrow(['remote', 'add', 'box', ...common, '--tools', '--tool-policy', 'ssh_execute=allow', '--command-rule', 'deny:^rm '], env);
    expect(added.code).toBe(0);
    const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools', '--remote', 'box'], env, stderr: 'pipe' });
    const client = new Client({ name: 'policy-cli-test', version: '1.0.0' });
    await client.connect(transport);
    if (transport.pid) recordPid(transport.pid, 'burrow-connect');
    try {
      const session = toolResultJson(await client.callTool({ name: 'ssh_connect', arguments: { remote: 'box' } })).session_id as string;
      const ran = await client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'echo "allowed-$((6*7))"' } });
      expect(toolResultJson(ran).stdout.trim()).toBe('allowed-42');
      const removed = await client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'rm -f "$HOME/keep-me"' } });
      expect(removed.isError).toBe(true);
      expect(toolResultText(removed)).toBe('denied: command rule /^rm / of box denies it; nothing was run');
    } finally {
      await client.close();
    }
  });
});
