import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { keyFingerprint } from '../support/key-fingerprint.js';
import { runOpenTool } from './inspector-steps.js';
import { screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

// A new user's first tool call in the inspector: the answer must be on screen, not below the pane's fold.
let env: Record<string, string>;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  env = burrowEnv();
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
});

/** Whether the whole of `inner` lies inside what `pane` shows now (its scrolled viewport). */
async function shownIn(inner: Locator, pane: Locator): Promise<boolean> {
  const [a, b] = [await inner.boundingBox(), await pane.boundingBox()];
  return !!a && !!b && a.y >= b.y && a.y + a.height <= b.y + b.height;
}

describe('the inspector brings each result into sight', () => {
  it("after Run tool the result's head, the answer and its traffic are visible without scrolling, in the demo and again after a second run", async () => {
    await daemon.call('addDemoRemote');
    const fingerprint = keyFingerprint(join(env.BURROW_HOME, 'server_host_ed25519.pub'));
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(daemon.url);
    await page.locator('li[data-remote="demo"]').getByRole('button', { name: 'Inspect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    await dialog.waitFor({ timeout: 30_000 });
    expect(await dialog.getByTestId('approval-fingerprint').textContent()).toBe(fingerprint);
    await dialog.getByRole('button', { name: 'Remember' }).click();

    await page.getByRole('button', { name: /^add/ }).click();
    const pane = page.locator('.tool-pane');
    for (const [a, b, sum] of [['2', '40', '42'], ['20', '3', '23']]) {
      const result = await runOpenTool(page, { a, b });
      await expect.poll(() => result.getByTestId('raw-result').textContent()).toContain(`"sum": ${sum}`);
      await expect.poll(() => shownIn(result.locator('.result-head'), pane)).toBe(true);
      expect(await shownIn(result.getByText(`"sum": ${sum}`), pane)).toBe(true);
      // The traffic view below follows its newest messages: this call's answer is in sight there too.
      const answer = page.locator('.traffic-table tr[data-method="tools/call"][data-direction="to-host"]').last();
      await expect.poll(() => shownIn(answer, page.locator('.traffic-table-wrap'))).toBe(true);
    }
    // A person who scrolled up to read is left there when more traffic comes.
    const wrap = page.locator('.traffic-table-wrap');
    await wrap.evaluate((el) => el.scrollTo({ top: 0 }));
    // As after a person's scroll: the window has handled its scroll event (dispatched with the next frame) before
    // more traffic comes. Without this wait a busy machine could deliver the call's traffic first.
    await wrap.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const rowsBefore = await page.locator('.traffic-table tbody tr').count();
    await page.getByRole('button', { name: 'Run tool' }).click();
    await expect.poll(() => page.locator('.traffic-table tbody tr').count()).toBeGreaterThan(rowsBefore);
    expect(await wrap.evaluate((el) => el.scrollTop)).toBe(0);
    expect(pageErrors).toEqual([]);
    await screenshot(page, 'inspector-result-in-sight');
  });
});
