import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Remote } from '../../shared/remote.js';
import { burrowEnv, connectClient, type ConnectedClient } from '../support/burrow-process.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { takeSshdDown } from '../support/sshd-outage.js';
import { fillSshdLogin } from './remote-form-steps.js';
import { screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/** Resuming as a person sets it up and sees it in the window: the remote's switch, the wait, a waiting session. */
let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let env: Record<string, string>;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const KEEP_OPEN = 'Keep sessions open when the connection drops (restart the server, replay initialize)';

describe('resuming in the window', () => {
  it('the remote form turns resuming off for a remote, and shows it off when edited', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Add remote' }).first().click();
    await fillSshdLogin(page, 'stateful', sshd, sshd.knownHostsFile);
    await page.getByLabel('Command', { exact: true }).fill('my-stateful-server');
    expect(await page.getByLabel(KEEP_OPEN).isChecked()).toBe(true);
    await page.getByLabel(KEEP_OPEN).uncheck();
    // The address typed into Host as ssh takes it, as the very last thing, and Enter pressed there (no blur).
    await page.getByLabel('Port', { exact: true }).fill('22');
    await page.getByLabel('Host', { exact: true }).fill(`${sshd.user}@127.0.0.1:${sshd.port}`);
    await page.getByLabel('Host', { exact: true }).press('Enter');
    await page.locator('li[data-remote="stateful"]').waitFor();
    const saved = ((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'stateful');
    expect(saved).toMatchObject({ resume: false, host: '127.0.0.1', port: sshd.port, user: sshd.user });

    await page.locator('li[data-remote="stateful"]').getByRole('button', { name: 'Edit' }).click();
    expect(await page.getByLabel(KEEP_OPEN).isChecked()).toBe(false);
    await page.getByLabel(KEEP_OPEN).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-remote="stateful"]').waitFor();
    expect(((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'stateful')?.resume).toBeUndefined();
  });

  it('Settings: the resume wait is shown, checked and saved for the running engine', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Settings & records' }).click();
    const wait = page.getByLabel('Resume wait (seconds)');
    await expect.poll(() => wait.inputValue()).toBe('30');
    await wait.fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => page.locator('.banner.error').textContent()).toBe('resume wait is a whole number of seconds from 1 to 3600');
    await wait.fill('12');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. The running engine uses these settings now.').waitFor();
    expect(JSON.parse(readFileSync(join(env.BURROW_HOME, 'settings.json'), 'utf8'))).toMatchObject({ resumeWaitSec: 12 });
    expect(await daemon.call('settings')).toMatchObject({ resumeWaitSec: 12 });
  });

  it('Sessions: a session whose remote went away says it waits for it, and stops saying so when it resumed', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Sessions' }).click();
    let host: ConnectedClient | undefined;
    try {
      // Resuming was turned back on above; sshd forces server-everything for the key, whatever the saved command.
      host = await connectClient(['--remote', 'stateful'], env);
      await host.client.listTools();
      const row = page.locator('section[data-sessions-remote="stateful"] tr[data-session]');
      await row.waitFor();
      expect(await page.getByTestId('session-waiting').count()).toBe(0);

      await takeSshdDown(sshd);
      await page.getByTestId('session-waiting').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('session-waiting').textContent()).toContain('waiting for stateful');
      await screenshot(page, 'session-waiting');

      await sshd.restart();
      await page.getByTestId('session-waiting').waitFor({ state: 'detached', timeout: 30_000 });
      const result = await host.client.callTool({ name: 'echo', arguments: { message: 'back' } });
      expect(JSON.stringify(result.content)).toContain('back');
    } finally {
      await host?.close();
    }
  });
});
