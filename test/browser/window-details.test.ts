import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { tempDir } from '../support/run-state.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { sshdRemote } from '../support/sshd-remote.js';
import { fillSshdRemoteForm } from './remote-form-steps.js';
import { newPage, openRemotesScreen, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;

beforeAll(async () => {
  sshd = await startSshd();
  ({ daemon, browser } = await startUiWindow(burrowEnv()));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const openPage = async (): Promise<Page> => openRemotesScreen(await newPage(browser), daemon);

/** A remote on the test sshd whose key is known from the fixture's file (no approval asked). */
function remote(name: string, extra: Record<string, unknown> = {}) {
  return sshdRemote(name, sshd, { mode: 'exec', command: EVERYTHING_COMMAND, knownHostsPath: sshd.knownHostsFile, ...extra });
}

describe('small things in the window', () => {
  it('a missing name says "required"; while a host key waits, the TCP step shows passed and nothing spins', async () => {
    const page = await openPage();
    await page.getByRole('button', { name: 'Add remote' }).click();
    await page.getByRole('button', { name: 'Add remote' }).last().click();
    await expect.poll(() => page.locator('#remote-name-error').textContent()).toBe('name is required');

    await fillSshdRemoteForm(page, 'asks', sshd);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    await dialog.waitFor();
    const steps = page.locator('ol[aria-label="Connection test"]');
    await expect.poll(() => steps.locator('[data-step="tcp"]').getAttribute('data-state')).toBe('ok');
    expect(await steps.locator('[data-step="host-key"]').getAttribute('data-state')).toBe('waiting');
    expect(await steps.locator('[data-step="host-key"]').textContent()).toContain('waiting for your approval');
    expect(await steps.locator('.spinner').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Approve once' }).click();
    await expect.poll(() => steps.locator('[data-state="ok"]').count(), { timeout: 20_000 }).toBe(4);
    await page.close();
  });

  it('the inspector says it waits for a passphrase while it does', async () => {
    const dir = tempDir('locked-key');
    const key = join(dir, 'id_ed25519');
    keygen(key, 'ed25519', 'a passphrase');
    await daemon.call('saveRemote', remote('locked', { identityFiles: [key] }), false);
    const page = await openPage();
    await page.evaluate(() => (location.hash = 'view=inspector&remote=locked'));
    await page.getByRole('dialog', { name: /passphrase/i }).waitFor();
    await expect.poll(() => page.locator('.tool-pane').textContent()).toBe('Waiting for a passphrase…');
    await page.getByRole('dialog', { name: /passphrase/i }).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('.tool-pane').textContent()).not.toContain('Waiting for a passphrase');
    await daemon.call('removeRemote', 'locked');
    await page.close();
  });

  it('MIME chips are no wider than their text; the page has a favicon', async () => {
    await daemon.call('saveRemote', remote('lab'), true);
    const page = await openPage();
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBeTruthy();
    const res = await fetch(new URL(icon!, daemon.origin));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toContain('<svg');

    await page.evaluate(() => (location.hash = 'view=inspector&remote=lab'));
    await page.getByRole('tab', { name: /Resources/ }).click();
    const chips = page.locator('.catalog-items .type-tag');
    await expect.poll(() => chips.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    const widths = await chips.evaluateAll((els) =>
      els.map((el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const style = getComputedStyle(el);
        const chrome = ['paddingLeft', 'paddingRight', 'borderLeftWidth', 'borderRightWidth'].reduce((n, k) => n + parseFloat(style[k as 'paddingLeft']), 0);
        return { box: el.getBoundingClientRect().width, text: range.getBoundingClientRect().width + chrome };
      }),
    );
    for (const w of widths) expect(w.box).toBeLessThanOrEqual(w.text + 1);
    await screenshot(page, 'inspector-resources');
    await page.close();
  });

  it('a changed-key alarm for a remote that was then removed is not shown again', async () => {
    // Known under an alias with another key than the server's: the next connection is refused as a changed key.
    const dir = tempDir('changed-key');
    const other = keygen(join(dir, 'other'), 'ed25519').split(' ').slice(0, 2).join(' ');
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `moved.example ${other}\n`);
    await daemon.call('saveRemote', remote('moved', { hostKeyAlias: 'moved.example', knownHostsPath: knownHosts }), false);
    const page = await openPage();
    await expect(daemon.call('catalog', 'moved')).rejects.toThrow(/changed|CHANGED|does not match/i);
    const alarm = page.getByRole('alertdialog');
    await alarm.waitFor();
    expect(await alarm.textContent()).toContain('moved');

    await daemon.call('removeRemote', 'moved');
    await alarm.waitFor({ state: 'detached' });
    expect(await daemon.call('hostKeyAlerts')).toEqual([]);
    await page.reload();
    await page.getByRole('button', { name: 'Add remote', exact: true }).first().waitFor();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.close();
  });
});
