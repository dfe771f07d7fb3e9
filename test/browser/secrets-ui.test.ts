import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

const PASSPHRASE = `typed in the browser ${process.pid}`;
let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let env: Record<string, string>;
let lockedKey: string;

beforeAll(async () => {
  lockedKey = join(mkdtempSync(join(tmpdir(), 'burrow-secret-ui-')), 'id_deploy');
  const pub = keygen(lockedKey, 'ed25519', PASSPHRASE);
  sshd = await startSshd({ extraAuthorizedKeys: [`command="${EVERYTHING_COMMAND}",no-pty ${pub}`] });
  env = burrowEnv();
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

describe('a passphrase asked in the web UI', () => {
  it('shows the dialog while a helper waits, sends what is typed once, and the remote connects', async () => {
    await daemon.call('saveRemote', { name: 'prod', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFiles: [lockedKey], useAgent: false, knownHostsPath: sshd.knownHostsFile }, false);
    await page.goto(daemon.url);
    await page.locator('li[data-remote="prod"]').waitFor();

    // An MCP host starts the helper; its session waits for the passphrase.
    const client = connectClient(['--remote', 'prod'], env);
    client.catch(() => {});
    const dialog = page.getByRole('dialog', { name: /^Passphrase for key / });
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.getByTestId('secret-title').textContent()).toBe(`Passphrase for key ${lockedKey} (prod, ${sshd.user}@127.0.0.1:${sshd.port})`);
    const field = dialog.getByLabel('Passphrase');
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await field.getAttribute('type')).toBe('password');
    expect(await dialog.getByRole('button', { name: 'Unlock' }).isDisabled()).toBe(true);
    await field.fill(PASSPHRASE);
    await screenshot(page, 'secret-prompt');
    await dialog.getByRole('button', { name: 'Unlock' }).click();
    await dialog.waitFor({ state: 'detached' });

    const connected = await client;
    const sum = await connected.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await expect.poll(() => page.locator('li[data-remote="prod"]').getByTestId('remote-state').textContent(), { timeout: 10_000 }).toBe('Connected');
    await connected.close();

    // Nothing the page keeps, and nothing Burrow wrote, holds the passphrase.
    expect(await page.content()).not.toContain(PASSPHRASE);
    const files = readdirSync(env.BURROW_HOME, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name)).includes(PASSPHRASE)).toBe(false);
  });

  it('Cancel refuses the request: the waiting helper ends with a one-line reason', async () => {
    // Its own known_hosts copy: otherwise it is the same SSH target as prod and shares prod's pooled connection.
    const known = join(sshd.dir, 'known_hosts.other');
    copyFileSync(sshd.knownHostsFile, known);
    await daemon.call('saveRemote', { name: 'other', host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFiles: [lockedKey], useAgent: false, knownHostsPath: known }, false);
    const client = connectClient(['--remote', 'other'], env);
    const failed = client.then(
      () => 'connected',
      (error: Error) => error.message,
    );
    const dialog = page.getByRole('dialog', { name: /^Passphrase for key .*\(other, / });
    await dialog.waitFor({ timeout: 20_000 });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await failed).not.toBe('connected');
    expect(await daemon.call('pendingApprovals')).toEqual([]);
  });
});
