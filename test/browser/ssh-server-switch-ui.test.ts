import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { freePort } from '../support/sshd.js';
import { newPage, screenshot, startUiDaemon, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let env: Record<string, string>;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = burrowEnv();
  ({ daemon, browser } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
});

describe("the Remotes screen's switch for Burrow's SSH server (edge devices)", () => {
  it('turns the server on at the address typed, shows its key, and is still on after the engine restarts; turned off it stays off', async () => {
    const port = await freePort();
    page = await newPage(browser);
    await page.goto(daemon.url);
    const section = page.getByRole('group', { name: 'Edge devices' });
    await expect.poll(() => section.getByTestId('ssh-server-state').textContent()).toBe('off');
    await section.locator('summary').click();
    await section.getByLabel('Address').fill(`127.0.0.1:${port}`);
    // The box follows the engine's answer, not the click alone.
    await section.getByLabel('Listen for devices').click();
    await expect.poll(() => section.getByTestId('ssh-server-state').textContent()).toBe(`on, 127.0.0.1:${port}`);
    expect(await section.textContent()).toMatch(/Host key for devices to pin: SHA256:/);
    await screenshot(page, 'ssh-server-switch');

    await daemon.stop();
    daemon = await startUiDaemon(env);
    page = await newPage(browser);
    await page.goto(daemon.url);
    const again = page.getByRole('group', { name: 'Edge devices' });
    await expect.poll(() => again.getByTestId('ssh-server-state').textContent()).toBe(`on, 127.0.0.1:${port}`);
    await again.getByLabel('Listen for devices').click();
    await expect.poll(() => again.getByTestId('ssh-server-state').textContent()).toBe('off');
    expect(await daemon.call('sshServerState')).toEqual({});
  });
});
