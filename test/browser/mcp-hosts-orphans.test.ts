import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv } from '../support/burrow-process.js';
import { screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let daemon: UiDaemon;
let browser: Browser;
let page: Page;
let desktopPath: string;
let cursorPath: string;

const FOREIGN = { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/me'] };

beforeAll(async () => {
  const env = burrowEnv();
  delete env.XDG_CONFIG_HOME;
  // A home folder with a long name: its path has no place a line may break.
  env.HOME = join(env.HOME, 'averyveryverylongusernamethatleavesnoplacetobreakaline');
  mkdirSync(env.HOME);
  // Claude Desktop still runs "old", a remote removed from Burrow (as before burrow remote remove cleaned up).
  desktopPath = join(env.HOME, '.config', 'Claude', 'claude_desktop_config.json');
  mkdirSync(join(env.HOME, '.config', 'Claude'), { recursive: true });
  writeFileSync(desktopPath, `${JSON.stringify({ mcpServers: { files: FOREIGN, old: { command: process.execPath, args: [BURROW_BIN, 'connect', '--remote', 'old'] } } }, null, 2)}\n`);
  // Cursor's file is broken on line 3.
  cursorPath = join(env.HOME, '.cursor', 'mcp.json');
  mkdirSync(join(env.HOME, '.cursor'), { recursive: true });
  writeFileSync(cursorPath, '{\n  "mcpServers": {\n    "x" {}\n  }\n}\n');
  ({ daemon, browser, page } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
});

describe('MCP hosts screen: entries left behind and broken files', () => {
  it('lists an orphaned entry and removes it after showing the diff; a broken file names line:column, wrapped in its card', async () => {
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'MCP hosts' }).click();
    const card = page.locator('article[data-host="claude-desktop"]');
    const row = card.locator('li[data-orphan="old"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Remote gone');

    const cursor = page.locator('article[data-host="cursor"] .banner.error');
    await expect.poll(() => cursor.textContent()).toContain(`${cursorPath}:3:9: not valid JSON (with comments): expected ":"`);
    // The long path wraps inside the card instead of running out of it.
    const fits = await cursor.evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(fits).toBe(true);
    await screenshot(page, 'mcp-hosts-orphaned');

    await row.getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog', { name: /Remove old from Claude Desktop/ });
    await dialog.waitFor();
    const diff = await dialog.getByTestId('config-diff').textContent();
    expect(diff).toContain('"old"');
    await dialog.getByRole('button', { name: 'Write config' }).click();
    await page.locator('.banner.ok').waitFor();
    expect(JSON.parse(readFileSync(desktopPath, 'utf8'))).toEqual({ mcpServers: { files: FOREIGN } });
    await expect.poll(() => card.locator('li[data-orphan]').count()).toBe(0);
  });
});
