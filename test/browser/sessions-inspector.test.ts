import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { openRemotesScreen, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/**
 * `burrow call` leaves the engine's inspector session open for its next use: the Sessions screen shows it apart
 * from the MCP apps' sessions, as Burrow's own, with the time left until it closes counting down, and follows a
 * later use at once. The Remotes screen counts only the MCP apps' sessions.
 */
let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let env: Record<string, string>;
let app: ConnectedClient | undefined;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  await addSshdRemote(env, 'lab', sshd);
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await app?.close();
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const secondsLeft = async (row: ReturnType<Page['locator']>) => {
  const text = (await row.getByTestId('inspector-closes').textContent()) ?? '';
  const m = /^when idle, in (\d+) s$/.exec(text);
  expect(m, text).not.toBeNull();
  return Number(m![1]);
};

describe('the Sessions screen and the inspector session', () => {
  it('after burrow call, the inspector session shows apart from the MCP apps, closing when idle, counting down; a second call moves its end at once', async () => {
    const called = await runBurrow(['call', 'lab', 'get-sum', 'a=2', 'b=40'], env);
    expect(called.code, called.stderr).toBe(0);

    await openRemotesScreen(page, daemon);
    // The remote is connected for the inspector, yet no MCP app uses it: no "1 session".
    const labState = page.locator('li[data-remote="lab"] .row-state');
    await expect.poll(() => labState.getByTestId('remote-state').textContent()).toMatch(/connected/i);
    expect(await labState.textContent()).not.toMatch(/session/);
    await page.getByRole('button', { name: 'Sessions' }).click();
    const inspector = page.getByRole('region', { name: 'Burrow inspector sessions' });
    const row = inspector.locator('tr[data-inspector-session="lab"]');
    await row.waitFor();
    // Ten minutes from its last use, then it closes.
    const first = await secondsLeft(row);
    expect(first).toBeGreaterThan(540);
    expect(first).toBeLessThanOrEqual(600);
    await expect.poll(() => secondsLeft(row), { timeout: 5000 }).toBeLessThan(first);

    // Used again: the shown end moves later at once (not after counting down to zero), without a reload.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));
    const before = await secondsLeft(row);
    const again = await runBurrow(['call', 'lab', 'get-sum', 'a=1', 'b=1'], env);
    expect(again.code, again.stderr).toBe(0);
    await expect.poll(() => secondsLeft(row), { timeout: 5000 }).toBeGreaterThan(before);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    // Not an MCP app: none is connected.
    await page.getByText('No MCP app is connected.').waitFor();
    expect(await page.getByRole('region', { name: 'Sessions on lab' }).count()).toBe(0);

    app = await connectClient(['--remote', 'lab'], env);
    const apps = page.getByRole('region', { name: 'Sessions on lab' });
    await expect.poll(() => apps.getByTestId('session-client').allTextContents()).toEqual(['burrow-test']);
    expect(await inspector.locator('tr[data-inspector-session]').count()).toBe(1);
    await screenshot(page, 'sessions-inspector');

    // The app's session is the one the Remotes screen counts; the inspector's, still open, is not.
    await page.getByRole('button', { name: 'Remotes' }).click();
    await expect.poll(() => labState.textContent()).toMatch(/· 1 session$/);
  });
});
