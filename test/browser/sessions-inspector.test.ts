import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { openRemotesScreen, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/**
 * `burrow call` leaves the engine's inspector session open for its next use: the Sessions screen shows it apart
 * from the MCP apps' sessions, as Burrow's own, with the time left until it closes counting down.
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
  it('after burrow call, the inspector session shows apart from the MCP apps, closing when idle, counting down', async () => {
    const called = await runBurrow(['call', 'lab', 'get-sum', 'a=2', 'b=40'], env);
    expect(called.code, called.stderr).toBe(0);

    await openRemotesScreen(page, daemon);
    await page.getByRole('button', { name: 'Sessions' }).click();
    const inspector = page.getByRole('region', { name: 'Burrow inspector sessions' });
    const row = inspector.locator('tr[data-inspector-session="lab"]');
    await row.waitFor();
    // Ten minutes from its last use, then it closes.
    const first = await secondsLeft(row);
    expect(first).toBeGreaterThan(540);
    expect(first).toBeLessThanOrEqual(600);
    await expect.poll(() => secondsLeft(row), { timeout: 5000 }).toBeLessThan(first);
    // Not an MCP app: none is connected.
    await page.getByText('No MCP app is connected.').waitFor();
    expect(await page.getByRole('region', { name: 'Sessions on lab' }).count()).toBe(0);

    app = await connectClient(['--remote', 'lab'], env);
    const apps = page.getByRole('region', { name: 'Sessions on lab' });
    await expect.poll(() => apps.getByTestId('session-client').allTextContents()).toEqual(['burrow-test']);
    expect(await inspector.locator('tr[data-inspector-session]').count()).toBe(1);
    await screenshot(page, 'sessions-inspector');
  });
});
