import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { openRemotesScreen, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let context: BrowserContext;
let env: Record<string, string>;
let home: string;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  home = env.HOME;
  mkdirSync(join(home, '.config', 'Claude'), { recursive: true });
  ({ daemon, browser } = await startUiWindow(env));
  // 1280×800: the size the issue saw a traffic row push the table into horizontal scrolling at.
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, permissions: ['clipboard-read', 'clipboard-write'] });
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const openPage = async (): Promise<Page> => openRemotesScreen(await context.newPage(), daemon);

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

/**
 * `burrow remote add` in a terminal, as a person would while the window is open. The server's key is known from
 * the given file (no approval dialog covers the window) unless `extra` says otherwise.
 */
async function addInTerminal(name: string, extra = ['--known-hosts', sshd.knownHostsFile]): Promise<void> {
  const r = await runBurrow(
    ['remote', 'add', name, '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--command', EVERYTHING_COMMAND, ...extra],
    env,
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

/** The row's buttons (each named by the start of its accessible name) are all shown, side by side on one line. */
async function expectOneLine(row: Locator, names: string[]): Promise<void> {
  const buttons = row.getByRole('button');
  await expect.poll(() => buttons.count()).toBe(names.length);
  const boxes = [];
  for (let i = 0; i < names.length; i++) {
    const button = buttons.nth(i);
    expect((await button.getAttribute('aria-label')) ?? (await button.textContent())).toMatch(new RegExp(`^${names[i]}`));
    boxes.push((await button.boundingBox())!);
  }
  for (const box of boxes) expect(Math.abs(box.y + box.height / 2 - (boxes[0].y + boxes[0].height / 2)), JSON.stringify(boxes)).toBeLessThan(2);
  for (let i = 1; i < boxes.length; i++) expect(boxes[i].x, JSON.stringify(boxes)).toBeGreaterThanOrEqual(boxes[i - 1].x + boxes[i - 1].width);
}

describe('the window follows the engine, keeps traffic and shows settings and records', () => {
  it('shows a remote added in a terminal on the Remotes and MCP hosts pages without a reload', async () => {
    const page = await openPage();
    await addInTerminal('term1');
    await page.locator('li[data-remote="term1"]').waitFor();

    await page.getByRole('button', { name: 'MCP hosts' }).click();
    const card = page.locator('article[data-host="claude-desktop"]');
    await expect.poll(() => card.locator('.host-remotes li').allTextContents()).toEqual([expect.stringContaining('term1')]);
    // On this page too: the next one shows up while it is open.
    await addInTerminal('term2');
    await expect.poll(() => card.locator('.host-remotes li').count()).toBe(2);
    // An install through the engine (another window, the web UI) shows as Installed here.
    await daemon.call('install', 'claude-desktop', 'term2');
    await expect.poll(() => card.locator('li', { hasText: 'term2' }).textContent()).toContain('Installed');
    await page.close();
  });

  it('removing a remote names the MCP host configs that hold it and removes those entries too', async () => {
    await addInTerminal('gone');
    await daemon.call('install', 'claude-desktop', 'gone');
    const config = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    expect(Object.keys((JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: object }).mcpServers)).toContain('gone');

    const page = await openPage();
    const row = page.locator('li[data-remote="gone"]');
    await row.getByRole('button', { name: 'Remove gone' }).click();
    const entries = row.getByTestId('remove-host-entries');
    await entries.waitFor();
    expect(await entries.textContent()).toContain('Claude Desktop');
    expect(await entries.textContent()).toContain(config);
    await screenshot(page, 'remove-remote-entries');
    await row.getByRole('button', { name: 'Remove gone and its entries' }).click();
    await expect.poll(() => page.locator('.banner.ok').textContent()).toContain(`Its entries were removed from ${config}`);
    await row.waitFor({ state: 'detached' });
    const servers = Object.keys((JSON.parse(readFileSync(config, 'utf8')) as { mcpServers: object }).mcpServers);
    expect(servers).not.toContain('gone');
    // Entries of other remotes stay.
    expect(servers).toContain('term2');
    await page.close();
  });

  it('keeps traffic in the engine: a reload shows it again, with the host session and remote; a message copies; Sessions lists who uses what', async () => {
    await addInTerminal('lab');
    const host = await connectClient(['--remote', 'lab'], env);
    try {
      const result = (await host.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } })) as { content: { text: string }[] };
      expect(result.content[0].text).toMatch(/42/);

      // The window opens after the call: everything it shows came from the engine's history.
      let page = await openPage();
      await page.getByRole('button', { name: 'Sessions' }).click();
      const sessions = page.getByRole('region', { name: 'Sessions on lab' });
      await expect.poll(() => sessions.getByTestId('session-client').allTextContents()).toEqual(['burrow-test']);
      await screenshot(page, 'sessions');

      // The inspector shows every session's traffic whichever remote it has open.
      await page.getByRole('button', { name: 'Inspector' }).click();
      const traffic = page.getByRole('region', { name: 'Traffic' });
      const call = traffic.locator('tr[data-method="tools/call"][data-direction="to-remote"]');
      await expect.poll(() => call.count()).toBe(1);
      expect(await call.getByTestId('traffic-session').textContent()).toMatch(/^burrow-test #\d+$/);
      expect(await call.locator('td').nth(3).textContent()).toBe('lab');

      await page.reload();
      await page.getByRole('button', { name: 'Inspector' }).click();
      await expect.poll(() => call.count()).toBe(1);
      const reply = traffic.locator('tr[data-method="tools/call"][data-direction="to-host"]');
      await reply.click();
      // Opening a message at 1280×800 does not push the table (or the page) into sideways scrolling.
      const wrap = traffic.locator('.traffic-table-wrap');
      expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
      await traffic.getByRole('button', { name: 'Copy message' }).click();
      const copied = JSON.parse(await clipboard(page)) as { result: { content: { text: string }[] } };
      expect(copied.result.content[0].text).toMatch(/42/);
      await screenshot(page, 'traffic');

      // New messages after the reload join the history once each.
      await host.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 1 } });
      await expect.poll(() => call.count()).toBe(2);
      await page.close();
      page = await openPage();
      await page.getByRole('button', { name: 'Sessions' }).click();
      await expect.poll(() => page.locator('[data-sessions-remote="lab"] [data-session]').count()).toBe(1);
      await host.close();
      // The inspector's own session (on the remote it had open) stays; the host's goes with it.
      await expect.poll(() => page.locator('[data-sessions-remote="lab"]').count()).toBe(0);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('Settings & records: edits timeouts and prestart (saved, applied, followed from other surfaces), lists approved keys with copy and Forget, the tool audit and the log folder', async () => {
    // A key approved through the queue, so Burrow's own known_hosts has it.
    await addInTerminal('trusting', ['--host-key-policy', 'accept-new']);
    await daemon.call('catalog', 'trusting');
    const name = `[127.0.0.1]:${sshd.port}`;
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).toContain(name);
    // Two tool-audit records of the built-in tools for this remote (as the tools server writes them) and one of another.
    const { ToolAuditLog } = await import('../../electron/core/audit/tool-audit.js');
    const audit = new ToolAuditLog(join(home, 'logs', 'tool-audit.jsonl'));
    audit.append({ phase: 'call', callId: 'c1', hostSession: '1', client: { name: 'Claude Desktop' }, remote: 'trusting', tool: 'ssh_execute', args: { command: 'uptime' }, decision: 'allow', decidedBy: 'policy' });
    audit.append({ phase: 'result', callId: 'c1', hostSession: '1', remote: 'trusting', tool: 'ssh_execute', ok: true, exitCode: 0, durationMs: 12 });
    audit.append({ phase: 'call', callId: 'c2', hostSession: '1', client: { name: 'Cursor' }, remote: 'other', tool: 'ssh_read_file', args: { path: '/etc/hosts' }, decision: 'deny', decidedBy: 'person' });

    const page = await openPage();
    await page.getByRole('button', { name: 'Settings & records' }).click();
    const approval = page.getByLabel('Approval timeout (seconds)');
    await expect.poll(() => approval.inputValue()).toBe('120');
    expect(await page.getByLabel('Idle timeout (seconds)').inputValue()).toBe('600');
    expect(await page.getByLabel('Prestart servers').isChecked()).toBe(true);

    await approval.fill('');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('.banner.error').textContent()).toBe('approval timeout is required');
    await approval.fill('45');
    await page.getByLabel('Idle timeout (seconds)').fill('30');
    await page.getByLabel('Prestart servers').uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The running engine uses these settings now.').waitFor();
    const saved = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(saved).toMatchObject({ approvalTimeoutSec: 45, idleTimeoutSec: 30, prestart: false });
    expect(await daemon.call('settings')).toMatchObject({ approvalTimeoutSec: 45, idleTimeoutSec: 30, prestart: false });
    // Changed elsewhere (the CLI, another window): the screen follows.
    await daemon.call('saveSettings', { approvalTimeoutSec: 90 });
    await expect.poll(() => approval.inputValue()).toBe('90');

    const keys = page.getByRole('region', { name: 'Trusted host keys' });
    const key = keys.locator(`tr[data-host-key="${name}"]`);
    await key.waitFor();
    const fingerprint = ((await daemon.call('knownHostKeys')) as { port: number; fingerprint: string }[]).find((k) => k.port === sshd.port)!.fingerprint;
    expect(await key.textContent()).toContain(fingerprint);
    // At 1280×800 a row's buttons stay on one line (they wrapped under each other), asking to Forget too, and nothing scrolls sideways.
    await expectOneLine(key, ['Copy fingerprint', 'Copy ssh-keygen -R', 'Forget']);
    await key.getByRole('button', { name: `Forget ${name}` }).click();
    await expectOneLine(key, ['Copy fingerprint', 'Copy ssh-keygen -R', 'Forget', 'Keep']);
    await key.getByRole('button', { name: 'Keep' }).click();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await key.getByRole('button', { name: `Copy fingerprint of ${name}` }).click();
    await expect.poll(() => clipboard(page)).toBe(fingerprint);
    await key.getByRole('button', { name: `Copy ssh-keygen -R command for ${name}` }).click();
    await expect.poll(() => clipboard(page)).toBe(`ssh-keygen -R "${name}" -f ${join(home, 'known_hosts')}`);

    const records = page.getByRole('region', { name: 'Tool audit' });
    await page.getByLabel('Remote', { exact: true }).selectOption('trusting');
    await expect.poll(() => records.locator('tbody tr').count()).toBe(2);
    expect(await records.locator('tr[data-audit-phase="call"]').textContent()).toMatch(/ssh_execute.*allow \(policy\).*Claude Desktop.*uptime/);
    expect(await records.locator('tr[data-audit-phase="result"]').textContent()).toMatch(/result: ok.*exit 0/);
    expect(await records.textContent()).not.toContain('ssh_read_file');
    expect(await page.getByTestId('log-dir').textContent()).toContain(join(home, 'logs'));
    // The screenshot shows the row's buttons as a person first sees them, not "Copied".
    await expect.poll(() => key.getByText('Copied').count(), { timeout: 5000 }).toBe(0);
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await screenshot(page, 'settings');

    await key.getByRole('button', { name: `Forget ${name}` }).click();
    await key.getByRole('button', { name: `Forget ${name}`, exact: true }).click();
    await key.waitFor({ state: 'detached' });
    expect(readFileSync(join(home, 'known_hosts'), 'utf8')).not.toContain(name);
    await page.close();
  });
});

