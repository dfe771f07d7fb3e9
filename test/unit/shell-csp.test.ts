import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAppAsset } from '../../electron/shell/app-assets.js';
import { contentSecurityPolicy } from '../../shared/content-security-policy.js';
import { REPO } from '../support/sshd.js';

const RENDERER = join(REPO, 'dist', 'renderer');
const built = existsSync(join(RENDERER, 'index.html'));

let server: Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  if (!built) return;
  // Serves the built renderer exactly as the app's app:// handler does: same file mapping, same headers.
  server = createServer((req, res) => {
    const asset = resolveAppAsset(RENDERER, `app://burrow${req.url ?? '/'}`);
    if (!asset) return res.writeHead(404).end();
    readFile(asset.path).then(
      (body) => res.writeHead(200, { 'content-type': asset.mimeType, 'content-security-policy': contentSecurityPolicy() }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
});

describe.skipIf(!built)("the app windows' CSP with the real renderer (npm run build:ui)", () => {
  it('runs the whole renderer without one violation, and blocks an injected inline script', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(() => {
      const w = window as unknown as { violations: string[]; burrow: unknown };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      // What the preload exposes: an object of async methods plus subscribe (empty engine here).
      w.burrow = new Proxy({}, { get: (_t, key) => (key === 'subscribe' ? () => () => {} : async () => []) });
    });
    // The app itself (window.burrow present), opened on the inspector as the tray's item does.
    await page.goto(`${origin}/index.html#view=inspector`);
    await page.getByRole('button', { name: 'MCP hosts' }).waitFor();
    const styled = await page.evaluate(() => getComputedStyle(document.body).margin);
    expect(styled).toBe('0px'); // the stylesheet loaded under style-src 'self'
    // The renderer runs zod jitless, so not even its `Function('')` probe trips the CSP.
    const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);

    const ran = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.appendChild(s);
      await new Promise((r) => setTimeout(r, 50));
      return (window as unknown as { injected?: boolean }).injected ?? false;
    });
    expect(ran).toBe(false);
    expect((await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).join()).toContain('script-src');
    await page.close();
  });
});
