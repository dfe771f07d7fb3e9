import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { keyFingerprint } from '../support/key-fingerprint.js';
import { acceptsConnections } from '../support/port-probe.js';
import { waitFor } from '../support/wait-for.js';
import { runOpenTool } from './inspector-steps.js';
import { newPage, screenshot, startUiDaemon, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

interface SavedRemote {
  name: string;
  port: number;
}

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

const serverFingerprint = () => keyFingerprint(join(env.BURROW_HOME, 'server_host_ed25519.pub'));
const remotes = async () => (await daemon.call('listRemotes')) as SavedRemote[];

describe('first start: a fresh BURROW_HOME, burrow daemon --ui, in Chromium', () => {
  it('offers the demo remote on the first screen; one click adds it, its host key is approved, and the inspector calls its add tool', async () => {
    // Offered, not added behind the person's back; the terminal `npm start` runs in says where.
    expect(await remotes()).toEqual([]);
    await waitFor(() => daemon.stdout().includes('No remote is saved yet: open the UI and click "Add the demo remote"'), 5000, () => daemon.stdout());
    expect(daemon.stdout()).not.toContain('Burrow SSH server: listening');
    await page.goto(daemon.url);
    const offer = page.getByLabel('Get started');
    await offer.getByRole('button', { name: 'Add the demo remote' }).waitFor();
    expect(await offer.textContent()).toContain('small MCP server that ships with Burrow');
    expect(await offer.textContent()).toContain('~/.ssh/config');
    await screenshot(page, 'first-start');

    await offer.getByRole('button', { name: 'Add the demo remote' }).click();
    const row = page.locator('li[data-remote="demo"]');
    await row.waitFor();
    const [demo] = await remotes();
    expect(demo).toMatchObject({ name: 'demo', host: '127.0.0.1', user: 'demo', command: 'burrow-demo' });
    expect(await row.textContent()).toContain(`demo@127.0.0.1:${demo.port}`);
    expect(await row.textContent()).toContain("Burrow's built-in demo");
    expect(await offer.count()).toBe(0);

    // The inspector's session waits for the same host-key approval as any remote's.
    await row.getByRole('button', { name: 'Inspect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trust this server?' });
    await dialog.waitFor({ timeout: 30_000 });
    await expect.poll(() => dialog.getByTestId('approval-host').textContent()).toBe(`127.0.0.1:${demo.port}`);
    expect(await dialog.getByTestId('approval-fingerprint').textContent()).toBe(serverFingerprint());
    await dialog.getByRole('button', { name: 'Remember' }).click();
    await dialog.waitFor({ state: 'detached' });

    const add = page.getByRole('button', { name: /^add/ });
    await add.waitFor({ timeout: 30_000 });
    for (const name of [/^echo/, /^where-am-i/]) expect(await page.getByRole('button', { name }).count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="server-info"]').textContent()).toMatch(/burrow-demo/);
    await add.click();
    const result = await runOpenTool(page, { a: '2', b: '40' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(/"sum":\s*42/);
    // The answer itself in the picture, not only the form.
    await page.getByText('"sum": 42').last().scrollIntoViewIfNeeded();
    await screenshot(page, 'demo-tool-result');
  });

  it('removes the demo from its row: the remote is gone, its SSH server stops, and the first screen offers it again', async () => {
    const [demo] = await remotes();
    expect(demo?.name).toBe('demo');
    expect(await acceptsConnections(demo.port)).toBe(true);
    page = await newPage(browser);
    await page.goto(daemon.url);
    const row = page.locator('li[data-remote="demo"]');
    await row.getByRole('button', { name: 'Remove demo' }).click();
    await row.getByRole('button', { name: 'Remove demo' }).click();
    await page.getByLabel('Get started').getByRole('button', { name: 'Add the demo remote' }).waitFor();
    expect(await remotes()).toEqual([]);
    await waitFor(async () => !(await acceptsConnections(demo.port)), 10_000, () => `the demo's SSH server still accepts on ${demo.port}`);
  });

  it('a saved demo is served again by the next engine, on the same port, so the remembered key still holds', async () => {
    const added = (await daemon.call('addDemoRemote')) as SavedRemote;
    const approve = setInterval(() => void daemon.call('answerApproval', serverFingerprint(), 'approve').catch(() => {}), 200);
    try {
      const first = (await daemon.call('callTool', 'demo', 'add', { a: 1, b: 2 })) as { raw: { structuredContent: unknown } };
      expect(first.raw.structuredContent).toEqual({ sum: 3 });
    } finally {
      clearInterval(approve);
    }
    await daemon.stop();
    daemon = await startUiDaemon(env);
    expect(await remotes()).toEqual([expect.objectContaining({ name: 'demo', port: added.port })]);
    // No approval this time: nothing answers the queue, and the call still goes through.
    const again = (await daemon.call('callTool', 'demo', 'add', { a: 20, b: 22 })) as { raw: { structuredContent: unknown } };
    expect(again.raw.structuredContent).toEqual({ sum: 42 });
  });

  it('an MCP host reaches the demo with `burrow connect --remote demo` while no window runs: the engine connect starts serves it', async () => {
    await daemon.stop();
    const c = await connectClient(['--remote', 'demo'], env);
    try {
      const r = await c.client.callTool({ name: 'echo', arguments: { text: 'hello from the burrow' } });
      expect(r.content).toEqual([{ type: 'text', text: 'hello from the burrow' }]);
    } finally {
      await c.close();
      await runBurrow(['daemon', 'stop'], env);
    }
  });
});
