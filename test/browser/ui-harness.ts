import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { BURROW_BIN } from '../support/burrow-process.js';
import { webApiCaller } from '../support/web-api.js';
import { REPO } from '../support/sshd.js';
import { recordPid } from '../support/run-state.js';

// Every run saves each screen under test-results/; BURROW_UPDATE_SCREENSHOTS=1 refreshes the README's copies.
export const SCREENSHOTS = process.env.BURROW_UPDATE_SCREENSHOTS === '1' ? join(REPO, 'docs', 'screenshots') : join(REPO, 'test-results', 'screenshots');

export interface UiDaemon {
  /** The printed URL, with #token=… */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  token: string;
  stderr: () => string;
  stdout: () => string;
  /** Calls BurrowApi over the web bridge, as the page does. */
  call: (method: string, ...args: unknown[]) => Promise<unknown>;
  stop: () => Promise<void>;
}

/** Starts `burrow daemon --ui --ui-port 0 [ARGS]` and reads the one line it prints. */
export function startUiDaemon(env: Record<string, string>, args: string[] = []): Promise<UiDaemon> {
  const child: ChildProcess = spawn(process.execPath, [BURROW_BIN, 'daemon', '--ui', '--ui-port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid) recordPid(child.pid, 'burrow-daemon-ui');
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`burrow daemon --ui printed no URL; stderr: ${stderr}`));
    }, 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`burrow daemon --ui exited (${code}); stderr: ${stderr}`));
    });
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const m = /^Burrow UI: (http:\/\/127\.0\.0\.1:(\d+)\/#token=(\S+))$/m.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      const origin = `http://127.0.0.1:${m[2]}`;
      const token = m[3];
      const call = webApiCaller(origin, token);
      resolve({ url: m[1], origin, port: Number(m[2]), token, stderr: () => stderr, stdout: () => stdout, call, stop });
    });
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function newPage(browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1180, height: 780 }, deviceScaleFactor: 1, colorScheme });
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions and the traffic view's batched redraw settle.
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

export interface UiWindow {
  daemon: UiDaemon;
  browser: Browser;
  /** A fresh page, not yet at the daemon's URL. */
  page: Page;
}

/** `burrow daemon --ui` for env and Chromium with a page: what every browser test's beforeAll starts. */
export async function startUiWindow(env: Record<string, string>, args: string[] = []): Promise<UiWindow> {
  const daemon = await startUiDaemon(env, args);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    return { daemon, browser, page: await newPage(browser) };
  } catch (error) {
    // A half-started window leaves nothing running behind a failed beforeAll.
    await browser?.close();
    await daemon.stop();
    throw error;
  }
}

/** Chromium first, then the daemon; either may be missing when beforeAll failed before starting it. */
export async function stopUiWindow(ui: Partial<UiWindow>): Promise<void> {
  await ui.browser?.close();
  await ui.daemon?.stop();
}

/** Opens the window at the daemon's URL and waits for the Remotes screen. */
export async function openRemotesScreen(page: Page, daemon: UiDaemon): Promise<Page> {
  await page.goto(daemon.url);
  await page.getByRole('button', { name: 'Add remote', exact: true }).first().waitFor();
  return page;
}
