import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { sshdRemote } from '../support/sshd-remote.js';
import { runOpenTool } from './inspector-steps.js';
import { fillSshdRemoteForm } from './remote-form-steps.js';
import { newPage, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let home: string;

beforeAll(async () => {
  sshd = await startSshd();
  const env = burrowEnv();
  home = env.HOME;
  // Claude Desktop's folder exists: the MCP hosts screen finds it.
  mkdirSync(join(home, '.config', 'Claude'), { recursive: true });
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

function labRemote() {
  return sshdRemote('lab', sshd, { mode: 'exec', command: EVERYTHING_COMMAND });
}

function hostFingerprint(): string {
  const out = execFileSync('ssh-keygen', ['-lf', `${sshd.hostKeyFile}.pub`], { encoding: 'utf8' });
  return out.split(/\s+/)[1];
}

describe('burrow daemon --ui, in Chromium, against a real sshd', () => {
  it('adds a remote through the form, approves its host key, runs get-sum in the inspector and shows the call in the traffic view', async () => {
    await page.goto(daemon.url);
    // The token leaves the address bar once read.
    await expect.poll(() => page.url()).not.toContain('token=');
    await page.getByRole('button', { name: 'Add remote', exact: true }).first().waitFor();
    await screenshot(page, 'remotes-empty');

    await page.getByRole('button', { name: 'Add remote' }).click();
    // Validation from the shared schema, before anything is sent.
    await page.getByRole('button', { name: 'Add remote' }).last().click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual(expect.arrayContaining(['host is required', 'user is required']));

    await fillSshdRemoteForm(page, 'lab', sshd);

    await page.getByRole('button', { name: 'Test connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('approval-host').textContent()).toBe(`127.0.0.1:${sshd.port}`);
    await expect.poll(() => dialog.getByTestId('approval-fingerprint').textContent()).toBe(hostFingerprint());
    expect(await dialog.textContent()).toContain('SSH handshake');
    expect(await dialog.textContent()).toContain('ED25519');
    await screenshot(page, 'host-key-approval');
    await dialog.getByRole('button', { name: 'Remember' }).click();
    await dialog.waitFor({ state: 'detached' });

    const steps = page.getByRole('list', { name: 'Connection test' });
    await expect.poll(() => steps.locator('[data-state="ok"]').count(), { timeout: 20_000 }).toBe(4);
    expect(await steps.locator('[data-step="mcp-initialize"]').textContent()).toMatch(/tools/);
    await steps.scrollIntoViewIfNeeded();
    await screenshot(page, 'remote-form-tested');

    await page.getByRole('button', { name: 'Add remote' }).last().click();
    const row = page.locator('li[data-remote="lab"]');
    await row.waitFor();
    expect(await row.textContent()).toContain(`${sshd.user}@127.0.0.1:${sshd.port}`);

    // The key was remembered: Burrow's own known_hosts has it, and the inspector's session connects without asking.
    await row.getByRole('button', { name: 'Inspect' }).click();
    const tool = page.getByRole('button', { name: /^get-sum/ });
    await tool.waitFor({ timeout: 30_000 });
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${sshd.port}`);
    await expect.poll(() => page.locator('[data-testid="server-info"]').textContent()).toMatch(/everything/i);

    await tool.click();
    const result = await runOpenTool(page, { a: '2', b: '40' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/\b42\b/);

    // The call passed through the relay: both directions show, with the response's latency.
    const traffic = page.getByRole('region', { name: 'Traffic' });
    await expect.poll(() => traffic.locator('tr[data-method="tools/call"][data-direction="to-remote"]').count()).toBeGreaterThan(0);
    await expect.poll(() => traffic.locator('tr[data-method="tools/call"][data-direction="to-host"]').count()).toBeGreaterThan(0);
    expect(await traffic.locator('tr[data-method="tools/call"][data-direction="to-host"]').last().textContent()).toMatch(/\d+ ms/);

    // Filter, then pause: a second call does not appear until resumed.
    await traffic.getByLabel('Filter traffic').fill('tools/call');
    await expect.poll(() => traffic.locator('tbody tr').count()).toBe(2);
    await traffic.locator('tr[data-method="tools/call"][data-direction="to-host"]').last().click();
    await screenshot(page, 'inspector');
    await traffic.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Run tool' }).click();
    await expect.poll(() => traffic.textContent()).toContain('2 new while paused');
    expect(await traffic.locator('tbody tr').count()).toBe(2);
    await traffic.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => traffic.locator('tbody tr').count()).toBe(4);

    // The remote's live state on the Remotes screen.
    await page.getByRole('button', { name: 'Remotes' }).click();
    await expect.poll(() => row.getByTestId('remote-state').textContent()).toBe('Connected');
    await screenshot(page, 'remotes');

    // Dark mode follows the system.
    await page.emulateMedia({ colorScheme: 'dark' });
    await row.getByRole('button', { name: 'Inspect' }).click();
    await tool.click();
    await screenshot(page, 'inspector-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('installs the remote in Claude Desktop after showing the exact JSON diff', async () => {
    // On its own too: the remote may not have been added by the test above.
    await daemon.call('saveRemote', labRemote(), true);
    page = await newPage(browser);
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'MCP hosts' }).click();
    const card = page.locator('article[data-host="claude-desktop"]');
    await card.waitFor();
    expect(await card.textContent()).toContain('Found');
    await card.getByRole('button', { name: 'Install' }).click();
    const dialog = page.getByRole('dialog', { name: /Add lab to Claude Desktop/ });
    await dialog.waitFor();
    const diff = await dialog.getByTestId('config-diff').textContent();
    expect(diff).toContain('"mcpServers"');
    expect(diff).toContain('"--remote"');
    await screenshot(page, 'mcp-hosts-install');
    await dialog.getByRole('button', { name: 'Write config' }).click();
    await page.locator('.banner.ok').waitFor();
    const path = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    expect(existsSync(path)).toBe(true);
    const written = JSON.parse(readFileSync(path, 'utf8')) as { mcpServers: Record<string, { args: string[] }> };
    const entry = Object.values(written.mcpServers).find((s) => s.args.includes('lab'));
    expect(entry?.args).toEqual(expect.arrayContaining(['connect', '--remote', 'lab']));
    await expect.poll(() => card.textContent()).toContain('Installed');
    await screenshot(page, 'mcp-hosts');
  });
});
