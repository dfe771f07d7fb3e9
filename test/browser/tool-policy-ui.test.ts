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
import { openRemotesScreen, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/** A person sets a remote's tool policy in the window, and a host's tool calls then follow it without asking anyone. */
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
  // Saved as a person's hand-edited settings.json would have it: a tag and a rule the form must keep.
  await daemon.call(
    'saveRemote',
    sshdRemote('lab', sshd, {
      knownHostsPath: sshd.knownHostsFile,
      tools: { enabled: true, tags: ['ci'], policy: { tools: {}, commandRules: [{ pattern: 'shutdown', action: 'ask', description: 'powers the box off' }] } },
    }),
    false,
  );
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const savedLab = async () => ((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'lab');

describe.skipIf(!canRunShellSshd)('tool policy in the remote form', () => {
  it('ssh_execute set to deny and a rule "deny ^rm " in the form: the host is refused by policy, and an allowed call runs without asking', async () => {
    await openRemotesScreen(page, daemon);
    await page.locator('li[data-remote="lab"]').getByRole('button', { name: 'Edit' }).click();
    const editor = page.locator('details.tool-policy');
    // A hand-written rule opens the disclosure and shows as it was saved.
    expect(await editor.getAttribute('open')).not.toBeNull();
    expect(await page.getByLabel('Rule 1 pattern').inputValue()).toBe('shutdown');
    expect(await page.getByLabel('Policy for ssh_execute', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Policy for ssh_execute', { exact: true }).locator('option:checked').textContent()).toBe('ask (default)');
    await expect.poll(() => editor.textContent()).toContain('writes to /etc/sudoers are always refused, whatever is set here');

    await page.getByLabel('Policy for ssh_execute', { exact: true }).selectOption('deny');
    await page.getByLabel('Policy for ssh_shell_open', { exact: true }).selectOption('allow');
    await page.getByLabel('Policy for ssh_shell_send', { exact: true }).selectOption('allow');
    expect(await page.getByLabel('Run commands, write files, sudo, forwards').inputValue()).toBe('custom');

    await editor.getByRole('button', { name: 'Add rule' }).click();
    expect(await page.getByLabel('Rule 2 action').inputValue()).toBe('deny');
    // A pattern the engine would refuse is named next to it, as the person types.
    await page.getByLabel('Rule 2 pattern').fill('^rm (');
    const rule = page.locator('li[data-rule="1"]');
    expect(await rule.getByRole('alert').textContent()).toBe('not a valid regular expression');
    expect(await page.getByLabel('Rule 2 pattern').getAttribute('aria-describedby')).toBe('rule-1-error');

    await page.getByLabel('Rule 2 pattern').fill('^rm ');
    await page.getByLabel('Rule 2 description').fill('nothing is deleted on the build box');
    expect(await rule.getByRole('alert').count()).toBe(0);
    // Tall enough for the whole table and the rules in one picture.
    const viewport = page.viewportSize();
    await page.setViewportSize({ width: viewport?.width ?? 1180, height: 1260 });
    await page.getByLabel('Run commands, write files, sudo, forwards').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'tool-policy');
    if (viewport) await page.setViewportSize(viewport);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-remote="lab"]').waitFor();
    await expect.poll(async () => (await savedLab())?.tools?.policy?.tools.ssh_execute).toBe('deny');
    expect((await savedLab())?.tools).toEqual({
      enabled: true,
      tags: ['ci'],
      policy: {
        tools: { ssh_execute: 'deny', ssh_shell_open: 'allow', ssh_shell_send: 'allow' },
        commandRules: [
          { pattern: 'shutdown', action: 'ask', description: 'powers the box off' },
          { pattern: '^rm ', action: 'deny', description: 'nothing is deleted on the build box' },
        ],
      },
    });

    const transport = new StdioClientTransport({ command: process.execPath, args: [BURROW_BIN, 'connect', '--tools', '--remote', 'lab'], env, stderr: 'pipe' });
    const client = new Client({ name: 'policy-test', version: '1.0.0' });
    await client.connect(transport);
    if (transport.pid) recordPid(transport.pid, 'burrow-connect');
    try {
      const session = toolResultJson(await client.callTool({ name: 'ssh_connect', arguments: { remote: 'lab' } })).session_id as string;
      const executed = await client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'echo should-not-run' } });
      expect(executed.isError).toBe(true);
      expect(toolResultText(executed)).toBe('denied: policy of lab denies ssh_execute; nothing was run');

      const shell = toolResultJson(await client.callTool({ name: 'ssh_shell_open', arguments: { session_id: session } })).shell_id as string;
      const removed = await client.callTool({ name: 'ssh_shell_send', arguments: { shell_id: shell, data: 'rm -f "$HOME/keep-me"' } });
      expect(removed.isError).toBe(true);
      expect(toolResultText(removed)).toBe('denied: command rule "nothing is deleted on the build box" (/^rm /) of lab denies it; nothing was run');

      // Allowed in the form: it runs at once, with nobody asked.
      await client.callTool({ name: 'ssh_shell_send', arguments: { shell_id: shell, data: 'echo "allowed-$((6*7))"' } });
      const waited = await client.callTool({ name: 'ssh_shell_wait', arguments: { shell_id: shell, pattern: 'allowed-42', timeout_s: 15 } });
      expect(toolResultText(waited)).toContain('allowed-42');
      expect(await daemon.call('pendingApprovals')).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('Reset to defaults saves no policy; tags stay', async () => {
    await openRemotesScreen(page, daemon);
    await page.locator('li[data-remote="lab"]').getByRole('button', { name: 'Edit' }).click();
    await page.locator('details.tool-policy').getByRole('button', { name: 'Reset to defaults' }).click();
    // Still open, showing what Reset did.
    expect(await page.getByLabel('Policy for ssh_execute', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Rule 1 pattern').count()).toBe(0);
    expect(await page.getByLabel('Policy for ssh_execute', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Run commands, write files, sudo, forwards').inputValue()).toBe('ask');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-remote="lab"]').waitFor();
    await expect.poll(async () => (await savedLab())?.tools?.policy).toBeUndefined();
    expect((await savedLab())?.tools).toEqual({ enabled: true, tags: ['ci'] });
  });
});
