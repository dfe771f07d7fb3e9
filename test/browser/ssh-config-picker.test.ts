import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, sshdAvailable, startSshd, type SshdFixture } from '../support/sshd.js';
import { screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let bastion: SshdFixture;
let target: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let ssh: string;

const fingerprint = (sshd: SshdFixture) => execFileSync('ssh-keygen', ['-lf', `${sshd.hostKeyFile}.pub`], { encoding: 'utf8' }).split(/\s+/)[1];

beforeAll(async () => {
  // A bastion that only forwards, and the target behind it that runs the MCP server for its key.
  bastion = await startSshd({ forcedCommand: null });
  target = await startSshd();
  const env = burrowEnv();
  ssh = join(env.HOME, '.ssh');
  mkdirSync(join(ssh, 'keys'), { recursive: true, mode: 0o700 });
  mkdirSync(join(ssh, 'conf.d'), { recursive: true });
  copyFileSync(bastion.clientKey, join(ssh, 'keys', 'bastion'));
  copyFileSync(target.clientKey, join(ssh, 'keys', 'target'));
  writeFileSync(
    join(ssh, 'config'),
    [
      'Include conf.d/*.conf',
      'Host lab',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      `  User ${target.user}`,
      '  IdentityFile ~/.ssh/keys/target',
      '  IdentitiesOnly yes',
      '  ProxyJump bastion',
      '  ForwardAgent yes',
      'Host broken',
      '  Port not-a-port',
      'Host *',
      '  ServerAliveInterval 30',
      '',
    ].join('\n'),
  );
  writeFileSync(join(ssh, 'conf.d', 'bastion.conf'), ['Host bastion', '  HostName 127.0.0.1', `  Port ${bastion.port}`, `  User ${bastion.user}`, '  IdentityFile ~/.ssh/keys/bastion', ''].join('\n'));
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  bastion?.stop();
  target?.stop();
});

describe.skipIf(!sshdAvailable())('the remote form picks a Host of ~/.ssh/config', () => {
  it('fills address, login, key and jump host from the alias; the connection test goes through the bastion; the saved remote keeps the jump', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Add remote', exact: true }).click();
    const picker = page.getByLabel('From ~/.ssh/config');
    await picker.waitFor();
    // Aliases without wildcards in file order (the Include comes first); one that cannot be read is named.
    expect(await picker.locator('option').allTextContents()).toEqual(['Choose a Host to fill in…', 'bastion', 'lab', 'broken (cannot be used)']);
    await picker.selectOption('broken');
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual([expect.stringContaining('Port not-a-port is not a port number')]);

    await picker.selectOption('lab');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('lab');
    expect(await page.getByLabel('Host', { exact: true }).inputValue()).toBe('127.0.0.1');
    expect(await page.getByLabel('Port', { exact: true }).inputValue()).toBe(String(target.port));
    expect(await page.getByLabel('User', { exact: true }).inputValue()).toBe(target.user);
    expect(await page.getByLabel('Key files', { exact: true }).inputValue()).toBe(join(ssh, 'keys', 'target'));
    // IdentitiesOnly yes: no agent.
    expect(await page.getByLabel('Use ssh-agent').isChecked()).toBe(false);
    expect(await page.getByTestId('jump-hosts').textContent()).toBe(`Through jump host: ${bastion.user}@127.0.0.1:${bastion.port}`);
    expect(await page.locator('.form').textContent()).toContain('lab: ignored ForwardAgent (not supported)');

    await page.getByLabel('Command', { exact: true }).fill(EVERYTHING_COMMAND);
    await screenshot(page, 'remote-form-ssh-config');
    await page.getByRole('button', { name: 'Test connection' }).click();
    // Each hop's host key is asked for on its own: the bastion's first, then the target's.
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    for (const hop of [bastion, target]) {
      await expect.poll(() => dialog.getByTestId('approval-host').textContent(), { timeout: 30_000 }).toBe(`127.0.0.1:${hop.port}`);
      expect(await dialog.getByTestId('approval-fingerprint').textContent()).toBe(fingerprint(hop));
      await dialog.getByRole('button', { name: 'Remember' }).click();
    }
    const steps = page.getByRole('list', { name: 'Connection test' });
    await expect.poll(() => steps.locator('[data-state="ok"]').count(), { timeout: 30_000 }).toBe(4);

    await page.getByRole('button', { name: 'Add remote' }).last().click();
    await page.locator('li[data-remote="lab"]').waitFor();
    const [saved] = (await daemon.call('listRemotes')) as Record<string, unknown>[];
    expect(saved).toMatchObject({
      name: 'lab',
      host: '127.0.0.1',
      port: target.port,
      useAgent: false,
      keepaliveIntervalSec: 30,
      jump: [{ host: '127.0.0.1', port: bastion.port, user: bastion.user, identityFiles: [join(ssh, 'keys', 'bastion')] }],
    });
    expect(bastion.acceptedLogins()).toBeGreaterThan(0);
  });
});
