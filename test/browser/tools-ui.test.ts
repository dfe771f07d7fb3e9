import { existsSync, readFileSync, rmSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Remote } from '../../shared/remote.js';
import { BURROW_BIN, burrowEnv } from '../support/burrow-process.js';
import { recordPid } from '../support/run-state.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { sshdRemote } from '../support/sshd-remote.js';
import { toolResultJson, toolResultText } from '../support/tool-result-text.js';
import { runOpenTool } from './inspector-steps.js';
import { fillSshdLogin } from './remote-form-steps.js';
import { screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/** The built-in SSH tools in the web UI: the remote form's Tools switch, and tool calls a person answers there. */
let sshd: ShellSshd;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let env: Record<string, string>;

beforeAll(async () => {
  if (!canRunShellSshd) return;
  sshd = await startShellSshd();
  env = burrowEnv();
  ({ daemon, browser, page } = await startUiWindow(env));
  // A remote with the tools on, saved as the CLI saves it (the form test adds its own).
  await daemon.call(
    'saveRemote',
    sshdRemote('lab', sshd, { knownHostsPath: sshd.knownHostsFile, tools: { enabled: true } }),
    false,
  );
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

describe.skipIf(!canRunShellSshd)('built-in SSH tools in the web UI', () => {
  it('the remote form turns the tools on with a description; editing keeps them', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Add remote' }).first().click();
    await fillSshdLogin(page, 'box', sshd, sshd.knownHostsFile, true);
    expect([await page.getByLabel('Host', { exact: true }).inputValue(), await page.getByLabel('Port', { exact: true }).inputValue(), await page.getByLabel('User', { exact: true }).inputValue()])
      .toEqual(['127.0.0.1', String(sshd.port), sshd.user]);
    // The segmented control's label takes the click (its radio is visually hidden). A host with no MCP server of
    // its own is there for the built-in tools: choosing so turns them on.
    await page.getByText('None (SSH tools only)').click();
    expect(await page.getByLabel("Offer Burrow's SSH tools for this remote (burrow connect --tools)").isChecked()).toBe(true);
    await page.getByLabel('What it is for').fill('the build box');
    expect(await page.getByLabel('Run commands, write files, sudo, forwards').inputValue()).toBe('ask');
    // Tested for what the tools do on it: a command runs (not an MCP initialize).
    await page.getByRole('button', { name: 'Test connection' }).click();
    const exec = page.locator('li[data-step="exec"]');
    await expect.poll(() => exec.getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    expect(await exec.textContent()).toContain('Runs a command');
    expect(await page.locator('li[data-step="mcp-initialize"]').count()).toBe(0);
    await screenshot(page, 'remote-form-tools');
    await page.getByRole('button', { name: 'Add remote' }).last().click();
    await page.locator('li[data-remote="box"]').waitFor();

    const saved = ((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'box');
    expect(saved?.tools).toEqual({ enabled: true, description: 'the build box' });
    expect(saved).toMatchObject({ host: '127.0.0.1', port: sshd.port, user: sshd.user, mode: 'none' });
    // Its row says what it is (its Inspect opens the built-in tools: below).
    expect(await page.locator('li[data-remote="box"]').textContent()).toContain('built-in SSH tools only');

    // Editing shows the switch on and saves the tools as they were.
    await page.locator('li[data-remote="box"]').getByRole('button', { name: 'Edit' }).click();
    expect(await page.getByLabel("Offer Burrow's SSH tools for this remote (burrow connect --tools)").isChecked()).toBe(true);
    expect(await page.getByLabel('What it is for').inputValue()).toBe('the build box');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-remote="box"]').waitFor();
    expect(((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'box')?.tools).toEqual({ enabled: true, description: 'the build box' });
  });

  it('the MCP hosts screen installs the built-in tools entry in Claude Desktop after showing the diff', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'MCP hosts' }).click();
    const card = page.locator('article[data-host="claude-desktop"]');
    const configPath = (await card.locator('.path').textContent()) ?? '';
    // box runs no MCP server of its own: the tools entry serves it, it gets no entry of its own.
    expect(await card.locator('ul.host-remotes li').filter({ hasText: /^box/ }).count()).toBe(0);
    expect(await card.locator('ul.host-remotes li').filter({ hasText: /^lab/ }).count()).toBe(1);
    const row = card.getByRole('list', { name: 'Built-in SSH tools in Claude Desktop' });
    await row.getByRole('button', { name: 'Install' }).click();
    const dialog = page.getByRole('dialog', { name: "Add Burrow's SSH tools to Claude Desktop" });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('"burrow-tools"');
    await dialog.getByRole('button', { name: 'Write config' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Installed').waitFor();
    const entry = JSON.parse(readFileSync(configPath, 'utf8')).mcpServers['burrow-tools'] as { args: string[] };
    expect(entry.args.slice(-2)).toEqual(['connect', '--tools']);
    await page.getByRole('button', { name: 'Remotes' }).click();
  });

  it('an entry written for a remote before it was saved for the tools alone is listed, saying why it cannot start, with Remove', async () => {
    const box = ((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'box')!;
    await daemon.call('saveRemote', { ...box, mode: 'shell' }, true);
    await daemon.call('install', 'claude-desktop', 'box');
    await daemon.call('saveRemote', box, true);
    try {
      await page.goto(daemon.url);
      await page.getByRole('button', { name: 'MCP hosts' }).click();
      const entry = page.locator('article[data-host="claude-desktop"] ul.host-remotes li').filter({ hasText: /^box/ });
      await entry.waitFor();
      expect(await entry.textContent()).toContain('Runs no MCP server: remove this entry (the tools entry serves it)');
      expect(await entry.getByRole('button', { name: 'Remove' }).count()).toBe(1);
      expect(await entry.getByRole('button', { name: 'Install' }).count()).toBe(0);
      // The next test starts from Remotes (a goto to the same page with only its fragment changed keeps the screen).
      await page.getByRole('button', { name: 'Remotes' }).click();
    } finally {
      await daemon.call('uninstall', 'claude-desktop', 'box');
    }
  });

  it('an asked-for tool call waits in a dialog: Allow once runs it, Deny gives the model an error, Allow for this session stops asking', async () => {
    await page.goto(daemon.url);
    await page.locator('li[data-remote="lab"]').waitFor();
    const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools', '--remote', 'lab'], env, stderr: 'pipe' });
    const client = new Client({ name: 'claude-ai', version: '0.14.1' });
    await client.connect(transport);
    if (transport.pid) recordPid(transport.pid, 'burrow-connect');
    try {
      const session = toolResultJson(await client.callTool({ name: 'ssh_connect', arguments: { remote: 'lab' } })).session_id as string;
      const execute = (command: string) => client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command } });

      const running = execute('systemctl status nginx >/dev/null 2>&1; echo hello-from-$(whoami)');
      // Awaited below; a failed assertion before then must not leave it unhandled.
      running.catch(() => undefined);
      const dialog = page.getByRole('dialog', { name: 'Allow ssh_execute on lab?' });
      await dialog.waitFor({ timeout: 20_000 });
      expect(await dialog.getByTestId('tool-call-client').textContent()).toBe('claude-ai');
      expect(await dialog.getByTestId('tool-call-remote').textContent()).toBe('lab');
      expect(await dialog.getByTestId('tool-call-detail').textContent()).toBe('systemctl status nginx >/dev/null 2>&1; echo hello-from-$(whoami)');
      // The approval timeout (120 s by default) counts down.
      expect(await dialog.getByTestId('tool-call-time-left').textContent()).toMatch(/^(2m 00s|1m [0-5]\ds|\d{1,2}s) left$/);
      await screenshot(page, 'tool-approval');
      await dialog.getByRole('button', { name: 'Allow once' }).click();
      await dialog.waitFor({ state: 'detached' });
      const result = toolResultJson(await running);
      expect(result.stdout.trim()).toBe(`hello-from-${sshd.user}`);

      // Deny: an error that says so, and nothing ran.
      rmSync('/tmp/burrow-ui-denied', { force: true });
      const denied = execute('touch /tmp/burrow-ui-denied && echo touched');
      await dialog.waitFor({ timeout: 20_000 });
      await dialog.getByRole('button', { name: 'Deny' }).click();
      await dialog.waitFor({ state: 'detached' });
      const refused = await denied;
      expect(refused.isError).toBe(true);
      expect(toolResultText(refused)).toBe('denied by a person: ssh_execute on lab was not run');
      expect(existsSync('/tmp/burrow-ui-denied')).toBe(false);

      // Allow for this session: this call runs, and the next ssh_execute runs without asking.
      const first = execute('echo one');
      await dialog.waitFor({ timeout: 20_000 });
      await dialog.getByRole('button', { name: 'Allow for this session' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(toolResultJson(await first).stdout.trim()).toBe('one');
      expect(toolResultJson(await execute('echo two')).stdout.trim()).toBe('two');
      expect(await daemon.call('pendingApprovals')).toEqual([]);
      expect(await dialog.count()).toBe(0);
    } finally {
      await client.close();
    }
  });
  it('the Sessions screen lists an MCP app using the built-in tools, what it connected to, and drops it when it goes', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Sessions' }).click();
    const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools', '--remote', 'lab'], env, stderr: 'pipe' });
    const client = new Client({ name: 'claude-ai', version: '0.14.1' });
    await client.connect(transport);
    if (transport.pid) recordPid(transport.pid, 'burrow-connect');
    const row = page.locator('section[aria-label="Built-in SSH tools sessions"] tr[data-tool-session]').filter({ hasText: 'claude-ai' });
    try {
      await row.waitFor();
      expect(await row.getByTestId('tool-session-remotes').textContent()).toBe('none yet');
      // Heard as it happens (no reload): the session's ssh_connect shows its remote.
      const session = toolResultJson(await client.callTool({ name: 'ssh_connect', arguments: { remote: 'lab' } })).session_id as string;
      await expect.poll(() => row.getByTestId('tool-session-remotes').textContent()).toBe('lab');
      // A shell it opens counts; one that ends by itself (exit typed into it) stops counting with no call after it.
      const allowOnce = async (tool: string, call: Promise<unknown>) => {
        const dialog = page.getByRole('dialog', { name: `Allow ${tool} on lab?` });
        await dialog.waitFor({ timeout: 20_000 });
        await dialog.getByRole('button', { name: 'Allow once' }).click();
        await call;
      };
      await allowOnce('ssh_shell_open', client.callTool({ name: 'ssh_shell_open', arguments: { session_id: session } }));
      await expect.poll(() => row.getByTestId('tool-session-shells').textContent()).toBe('1');
      await screenshot(page, 'sessions-tools');
      await allowOnce('ssh_shell_send', client.callTool({ name: 'ssh_shell_send', arguments: { session_id: session, data: 'exit' } }));
      await expect.poll(() => row.getByTestId('tool-session-shells').textContent(), { timeout: 10_000 }).toBe('0');
    } finally {
      await client.close();
    }
    await row.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Remotes' }).click();
  });

  it('Inspect on a remote saved for the tools alone opens the built-in tools: they run there, and an asked-for call waits in the same window', async () => {
    await page.goto(daemon.url);
    await page.locator('li[data-remote="box"]').getByRole('button', { name: 'Inspect' }).click();
    const target = page.locator('#inspector-remote');
    await expect.poll(() => target.inputValue()).toBe('@tools');
    expect(await target.locator('option:checked').textContent()).toBe('Built-in SSH tools');

    await page.getByRole('button', { name: /^ssh_list_remotes/ }).click();
    const listed = await runOpenTool(page, {});
    await expect.poll(() => listed.textContent()).toContain('the build box');

    await page.getByRole('button', { name: /^ssh_connect/ }).click();
    const connected = await runOpenTool(page, { remote: 'box' });
    await expect.poll(() => connected.textContent()).toMatch(/"session_id":\s*"s-[0-9a-f]+"/);
    const session = /"session_id":\s*"(s-[0-9a-f]+)"/.exec((await connected.textContent()) ?? '')![1];

    await page.getByRole('button', { name: /^ssh_execute/ }).click();
    await runOpenTool(page, { session_id: session, command: 'echo from-the-inspector' });
    const dialog = page.getByRole('dialog', { name: 'Allow ssh_execute on box?' });
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.getByTestId('tool-call-client').textContent()).toBe('burrow-inspector');
    await dialog.getByRole('button', { name: 'Allow once' }).click();
    await expect.poll(() => page.getByTestId('tool-result').textContent(), { timeout: 20_000 }).toContain('from-the-inspector');
    await screenshot(page, 'inspector-built-in-tools');
  });
});
