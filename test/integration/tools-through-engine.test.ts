import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestDaemon } from '../../electron/core/ipc/ipc-client.js';
import { BURROW_BIN, burrowEnv, INITIALIZE, runBurrow } from '../support/burrow-process.js';
import { answerToolCall } from '../support/cli-approvals.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { toolResultJson, toolResultText } from '../support/tool-result-text.js';
import { runOnTerminal, terminalAvailable } from '../support/on-terminal.js';
import { waitFor } from '../support/wait-for.js';

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

      // As a person types it: the short ID the list shows.
      const second = client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'echo again' } });
      let row: string[] = [];
      await waitFor(async () => {
        row = (await runBurrow(['approvals', 'list'], env)).stdout.split('\n')[1]?.split(/\s+/) ?? [];
        return row.length > 1;
      }, 20_000, () => 'no call waited');
      expect(row.slice(0, 3)).toEqual([expect.stringMatching(/^[0-9a-f-]{8}$/), 'box', 'ssh_execute']);
      const allowed = await runBurrow(['approvals', 'allow', row[0]], env);
      expect(allowed.stdout).toMatch(new RegExp(`^allowed once: ${row[0]}[0-9a-f-]{28}\n$`));
      expect(toolResultJson(await second).stdout).toBe('again\n');

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

describe.skipIf(!canRunShellSshd)('a tool call the host cancels while it waits for a person', () => {
  it('is taken back from the approval queue: no one can allow a command whose result nobody waits for', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools'], env, stderr: 'pipe' });
    const client = new Client({ name: 'claude-ai', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    try {
      const session = toolResultJson(await client.callTool({ name: 'ssh_connect', arguments: { remote: 'box' } })).session_id as string;
      const marker = `/tmp/burrow-withdrawn-${process.pid}-${Date.now()}`;
      // The SDK gives up after 2 s and sends notifications/cancelled, as a host does when its user stops a call.
      const call = client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: `touch ${marker}` } }, undefined, { timeout: 2000 });
      await expect(call).rejects.toThrow(/timed out/i);
      const pending = async () => JSON.parse((await runBurrow(['approvals', 'list', '--json'], env)).stdout) as unknown[];
      await waitFor(async () => (await pending()).length === 0, 10_000, () => 'the cancelled call still waits for a person');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await client.close();
    }
  });
});

describe.skipIf(!canRunShellSshd)('a remote saved with --tools alone (no MCP server of its own)', () => {
  it('is listed as such, and relaying or installing it says to use the built-in tools instead', async () => {
    const listed = await runBurrow(['remote', 'list'], env);
    expect(listed.stdout).toMatch(/^box\s+\S+@127\.0\.0\.1:\d+\s+built-in SSH tools only\s+ask$/m);
    const noServer = "box runs no MCP server of its own (it is saved for Burrow's built-in SSH tools)";

    const tools = await runBurrow(['tools', 'box'], env);
    expect({ code: tools.code, stdout: tools.stdout }).toEqual({ code: 1, stdout: '' });
    expect(tools.stderr).toBe(`burrow: ${noServer}: MCP hosts reach those through the tools entry (burrow install HOST --tools), a person with burrow tools @tools; to relay a server it runs: burrow remote edit box --command 'CMD'\n`);

    const host = await runBurrow(['connect', '--remote', 'box'], env, `${INITIALIZE}\n`);
    expect(host.code).toBe(1);
    expect(host.stderr).toContain(noServer);

    // Claude Desktop's Linux rule without XDG_CONFIG_HOME: ~/.config/Claude.
    const { XDG_CONFIG_HOME: _xdg, ...desktopEnv } = env;
    const config = join(env.HOME, '.config', 'Claude', 'claude_desktop_config.json');
    const install = await runBurrow(['install', 'claude-desktop', '--yes'], desktopEnv);
    expect({ code: install.code, stderr: install.stderr }).toEqual({ code: 1, stderr: `burrow: install: ${noServer}: burrow install claude-desktop --tools\n` });
    expect(existsSync(config)).toBe(false);
    // The overview of MCP hosts says how the tools entry is written.
    expect((await runBurrow(['install'], desktopEnv)).stdout).toContain('burrow install HOST --tools writes the built-in SSH tools entry');
    // Beside a remote that runs a server, installing every remote writes that one's entry only.
    await addSshdRemote(env, 'srv', sshd, ['--command', 'mcp-server']);
    const both = await runBurrow(['install', 'claude-desktop', '--yes'], desktopEnv);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stderr).toBe(`burrow: install: skipping ${noServer}; burrow install claude-desktop --tools serves it\n`);
    expect(Object.keys(JSON.parse(readFileSync(config, 'utf8')).mcpServers)).toEqual(['srv']);
  });
});

describe.skipIf(!canRunShellSshd)('the built-in tools from the command line (burrow tools/call @tools)', () => {
  /** A session of the inspector's own tools session on box (it stays open between commands, as for a remote). */
  async function connectBox(): Promise<string> {
    const connected = await runBurrow(['call', '@tools', 'ssh_connect', 'remote=box'], env);
    expect(connected.code, connected.stderr).toBe(0);
    return JSON.parse(connected.stdout).session_id as string;
  }

  it('lists them, and a call the policy asks about waits for burrow approvals, saying so', async () => {
    const listed = await runBurrow(['tools', '@tools'], env);
    expect(listed.stdout).toMatch(/^ {2}ssh_execute — /m);
    const session = await connectBox();

    const allowed = runBurrow(['call', '@tools', 'ssh_execute', `session_id=${session}`, 'command=echo from-the-cli'], env);
    await answerToolCall(env, 'allow');
    const result = await allowed;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ stdout: 'from-the-cli\n', exit_code: 0 });
    expect(result.stderr).toMatch(/^burrow: ssh_execute on box waits for a person \(policy of box asks before ssh_execute\): echo from-the-cli; allow it in Burrow or run: burrow approvals allow [0-9a-f-]{36}\nburrow: ssh_execute on box was allowed; going on\n$/);

    const denied = runBurrow(['call', '@tools', 'ssh_execute', `session_id=${session}`, 'command=touch /tmp/burrow-cli-denied'], env);
    await answerToolCall(env, 'deny');
    const refused = await denied;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('burrow: ssh_execute on box was denied\n');
    expect(refused.stderr).toMatch(/^burrow: ssh_execute reported an error: .*denied/m);
  });

  it('while Burrow is paused they are refused in one line, as connect --tools is', async () => {
    // A new inspector session of the tools is what a pause refuses (one already open goes on, as relayed ones do).
    await daemon.stop();
    daemon = await startDaemon(env);
    await requestDaemon('setPaused', [true], env);
    try {
      const listed = await runBurrow(['tools', '@tools'], env);
      expect({ code: listed.code, stdout: listed.stdout }).toEqual({ code: 1, stdout: '' });
      expect(listed.stderr).toMatch(/^burrow: .*Burrow is paused: choose Resume in its tray menu, then retry\n$/);
    } finally {
      await requestDaemon('setPaused', [false], env);
    }
  });

  it.skipIf(!terminalAvailable)('at a terminal the call is asked there: "yes" runs it once', async () => {
    const session = await connectBox();
    const run = runOnTerminal(`exec ${process.execPath} ${BURROW_BIN} call @tools ssh_execute session_id=${session} command='echo asked-here'`, env);
    try {
      await waitFor(() => run.screen().includes('(yes/no) '), 30_000, () => `not asked: ${run.screen()}`);
      expect(run.screen()).toContain('Allow ssh_execute on box: echo asked-here (policy of box asks before ssh_execute)? (yes/no) ');
      run.type('yes\r');
      expect(await run.exited).toBe(0);
      expect(run.screen()).toContain('"stdout":"asked-here\\n"');
    } finally {
      run.kill();
    }
  });
});
