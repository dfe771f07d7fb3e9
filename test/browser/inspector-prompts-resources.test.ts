import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { sshdRemote } from '../support/sshd-remote.js';
import { runOpenTool } from './inspector-steps.js';
import { newPage, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

/** The Inspector on par with MCP Inspector: prompts with arguments, resources, templates, raw JSON, copy. */
let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  sshd = await startSshd();
  ({ daemon, browser, page } = await startUiWindow(burrowEnv()));
  await daemon.call(
    'saveRemote',
    sshdRemote('lab', sshd, { knownHostsPath: sshd.knownHostsFile, mode: 'exec', command: EVERYTHING_COMMAND }),
    true,
  );
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: daemon.origin });
  await page.goto(daemon.url);
  await page.getByRole('button', { name: 'Inspector' }).click();
  await page.locator('[data-testid="server-info"]').waitFor({ timeout: 30_000 });
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

describe('Inspector: prompts, resources and templates of server-everything through sshd', () => {
  it('gets a prompt with its arguments from a form, shows its messages and the raw request and result, and copies the result', async () => {
    await page.getByRole('tab', { name: /^Prompts/ }).click();
    await page.getByRole('button', { name: /^args-prompt/ }).click();
    // A required argument left empty is said before anything is sent.
    await page.getByRole('button', { name: 'Get prompt' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual(['city is required']);

    await page.getByLabel(/^city/).fill('Lisbon');
    await page.getByLabel(/^state/).fill('Portugal');
    await page.getByRole('button', { name: 'Get prompt' }).click();
    const result = page.getByTestId('prompt-result');
    await result.waitFor();
    await expect.poll(() => result.getByRole('list', { name: 'Prompt messages' }).textContent()).toBe("userWhat's weather in Lisbon, Portugal?");

    await result.getByTestId('raw-request').locator('summary').click();
    const request = JSON.parse((await result.getByTestId('raw-request').locator('pre').textContent())!);
    expect(request).toEqual({ jsonrpc: '2.0', method: 'prompts/get', params: { name: 'args-prompt', arguments: { city: 'Lisbon', state: 'Portugal' } } });
    const raw = JSON.parse((await result.getByTestId('raw-result').locator('pre').textContent())!);
    expect(raw.messages[0].content).toEqual({ type: 'text', text: "What's weather in Lisbon, Portugal?" });
    await screenshot(page, 'inspector-prompts');

    await result.getByRole('button', { name: 'Copy result', exact: true }).click();
    await expect.poll(() => result.getByRole('button', { name: 'Copy result', exact: true }).textContent()).toBe('Copied');
    expect(JSON.parse(await clipboard())).toEqual(raw);

    // The list request behind the tab, raw.
    const list = page.getByTestId('raw-list');
    await list.locator('summary').click();
    const lists = JSON.parse((await list.locator('pre').textContent())!) as { request: { method: string }; result: { prompts: { name: string }[] } }[];
    expect(lists[0].request.method).toBe('prompts/list');
    expect(lists.flatMap((l) => l.result.prompts.map((p) => p.name))).toContain('args-prompt');
  });

  it('suggests argument values from the server (completion/complete), the second narrowed by the first', async () => {
    await page.getByRole('button', { name: /^completable-prompt/ }).click();
    const options = (field: string) => page.getByTestId(`prompt-completable-prompt-${field}-suggestions`).locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await page.getByLabel(/^department/).fill('S');
    await expect.poll(() => options('department')).toEqual(['Sales', 'Support']);
    await page.getByLabel(/^department/).fill('Engineering');
    await page.getByLabel(/^name/).focus();
    await expect.poll(() => options('name')).toEqual(['Alice', 'Bob', 'Charlie']);
    await page.getByLabel(/^name/).fill('Bob');
    await page.getByRole('button', { name: 'Get prompt' }).click();
    await expect.poll(() => page.getByTestId('prompt-result').getByRole('list', { name: 'Prompt messages' }).textContent()).toBe('userPlease promote Bob to the head of the Engineering team.');
  });

  it('reads a listed resource and shows its contents and raw JSON', async () => {
    await page.getByRole('tab', { name: /^Resources/ }).click();
    const first = page.locator('.catalog-items button').first();
    const uri = (await first.locator('.catalog-desc').textContent())!;
    expect(uri).toMatch(/^demo:\/\//);
    await first.click();
    await page.getByRole('button', { name: 'Read resource' }).click();
    const result = page.getByTestId('resource-result');
    await result.waitFor();
    const request = JSON.parse((await result.getByTestId('raw-request').locator('pre').textContent())!);
    expect(request).toEqual({ jsonrpc: '2.0', method: 'resources/read', params: { uri } });
    expect(await result.getByRole('list', { name: 'Resource contents' }).textContent()).toContain(uri);
    const raw = JSON.parse((await result.getByTestId('raw-result').locator('pre').textContent())!);
    expect(raw.contents[0].uri).toBe(uri);
    expect(typeof raw.contents[0].text).toBe('string');
    expect(await result.getByRole('list', { name: 'Resource contents' }).locator('pre').textContent()).toBe(raw.contents[0].text);
  });

  it('fills a resource template’s variable, shows the URI it makes, and reads it', async () => {
    await page.getByRole('button', { name: /Dynamic Text Resource/ }).click();
    await page.getByRole('button', { name: 'Read resource' }).click();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toEqual(['resourceId is required']);
    await page.getByLabel(/^resourceId/).fill('7');
    // The server's completer for {resourceId} takes a positive integer as it is.
    await expect.poll(() => page.getByTestId('template-Dynamic_Text_Resource-resourceId-suggestions').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['7']);
    await expect.poll(() => page.getByTestId('template-uri').textContent()).toBe('demo://resource/dynamic/text/7');
    await page.getByRole('button', { name: 'Read resource' }).click();
    const result = page.getByTestId('resource-result');
    await result.waitFor();
    await expect.poll(() => result.getByRole('list', { name: 'Resource contents' }).textContent()).toMatch(/Resource 7: This is a plaintext resource/);
    const request = JSON.parse((await result.getByTestId('raw-request').locator('pre').textContent())!);
    expect(request.params).toEqual({ uri: 'demo://resource/dynamic/text/7' });
    await screenshot(page, 'inspector-template');
  });

  it('copies without navigator.clipboard too (a page that is not a secure context)', async () => {
    const plain = await newPage(browser);
    // As on a page where the Clipboard API does not exist; the copy event shows what the fallback copied.
    await plain.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', { value: undefined });
      document.addEventListener('copy', () => {
        const area = document.activeElement as HTMLTextAreaElement;
        (window as unknown as { copied: string }).copied = area.value.slice(area.selectionStart, area.selectionEnd);
      });
    });
    await plain.goto(daemon.url);
    await plain.getByRole('button', { name: 'Inspector' }).click();
    await plain.getByRole('tab', { name: /^Tools/ }).click();
    await plain.getByRole('button', { name: /^get-sum/ }).click({ timeout: 30_000 });
    const result = await runOpenTool(plain, { a: '2', b: '40' });
    await result.waitFor();
    await result.getByRole('button', { name: 'Copy result', exact: true }).click();
    await expect.poll(() => result.textContent()).toContain('Copied');
    const copied = await plain.evaluate(() => (window as unknown as { copied?: string }).copied);
    expect(JSON.parse(copied!).content[0].text).toMatch(/\b42\b/);
    await plain.close();
  });
});
