import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Remote } from '../../shared/remote.js';
import { burrowEnv } from '../support/burrow-process.js';
import { startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/** The window's remote form saves only over the remote it read, as `burrow remote edit` does. */
let daemon: UiDaemon;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ daemon, browser, page } = await startUiWindow(burrowEnv()));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
});

const lab: Remote = { name: 'lab', host: '127.0.0.1', port: 2201, user: 'me', identityFiles: [], useAgent: true, usePassword: false, mode: 'exec', command: 'serve', hostKeyPolicy: 'ask' };
const savedLab = async () => ((await daemon.call('listRemotes')) as Remote[]).find((r) => r.name === 'lab');

describe('editing a remote in the window', () => {
  it('refuses in one line to save over a change made elsewhere while the form was open, and saves once reopened', async () => {
    await daemon.call('saveRemote', lab, false);
    await page.goto(daemon.url);
    await page.locator('li[data-remote="lab"]').getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Command', { exact: true }).fill('serve --verbose');

    // Meanwhile a terminal changes the port (burrow remote edit goes through the same command).
    await daemon.call('saveRemote', { ...lab, port: 2222 }, true, lab);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByText('"lab" was changed elsewhere while this edit ran: nothing was saved (run it again)').count()).toBe(1);
    expect(await savedLab()).toMatchObject({ port: 2222, command: 'serve' });

    // Opened again, the form reads the new port and its save goes through.
    await page.reload();
    await page.locator('li[data-remote="lab"]').getByRole('button', { name: 'Edit' }).click();
    expect(await page.getByLabel('Port', { exact: true }).inputValue()).toBe('2222');
    await page.getByLabel('Command', { exact: true }).fill('serve --verbose');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await savedLab())?.command).toBe('serve --verbose');
    expect((await savedLab())?.port).toBe(2222);
  });
});
