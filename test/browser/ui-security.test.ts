import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { burrowEnv } from '../support/burrow-process.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { sshdRemote } from '../support/sshd-remote.js';
import { newPage, screenshot, startUiWindow, stopUiWindow, type UiDaemon } from './ui-harness.js';

let sshd: SshdFixture;
let daemon: UiDaemon;
let browser: Browser;
let home: string;

beforeAll(async () => {
  sshd = await startSshd();
  const env = burrowEnv();
  home = env.HOME;
  ({ daemon, browser } = await startUiWindow(env));
});

afterAll(async () => {
  await stopUiWindow({ browser, daemon });
  sshd?.stop();
});

const fingerprintOf = (pubFile: string) => execFileSync('ssh-keygen', ['-lf', pubFile], { encoding: 'utf8' }).split(/\s+/)[1];

/** A status and body for a raw request, with headers a browser would not let a page set (Host). */
function rawRequest(path: string, headers: Record<string, string>, method = 'GET', body = ''): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: daemon.port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens the event socket; resolves with the HTTP status of a refusal, or 101 when it opened. */
function openEvents(protocols: string[], origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${daemon.port}/api/events`, protocols, { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

describe('burrow daemon --ui: trust and refusal', () => {
  it('shows a CHANGED host key as an alarm whose only action is Disconnect, and never trusts the new key', async () => {
    // known_hosts says the server has another key: what a man-in-the-middle looks like from here.
    const dir = mkdtempSync(join(tmpdir(), 'burrow-changed-'));
    const otherPub = keygen(join(dir, 'other_host'));
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${otherPub.split(/\s+/).slice(0, 2).join(' ')}\n`);
    await daemon.call('saveRemote', sshdRemote('moved', sshd, { mode: 'exec', command: EVERYTHING_COMMAND, knownHostsPath: knownHosts }), true);

    const page = await newPage(browser);
    await page.goto(daemon.url);
    await page.getByRole('button', { name: 'Inspector' }).click();
    const alarm = page.getByRole('alertdialog', { name: /CHANGED/ });
    await alarm.waitFor({ timeout: 30_000 });
    expect(await alarm.getByTestId('alarm-offered').textContent()).toContain(fingerprintOf(`${sshd.hostKeyFile}.pub`));
    expect(await alarm.getByTestId('alarm-expected').textContent()).toContain(fingerprintOf(join(dir, 'other_host.pub')));
    expect(await alarm.textContent()).toContain('refused');

    // Nothing on the screen trusts the new key; the default (focused) action is Disconnect.
    expect(await page.getByRole('button').allTextContents()).toEqual(['Disconnect']);
    expect(await page.getByRole('button', { name: /approve|trust|remember|accept|replace|continue/i }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Disconnect');
    expect(await daemon.call('pendingApprovals')).toEqual([]);
    await screenshot(page, 'host-key-changed');

    await page.keyboard.press('Enter');
    await alarm.waitFor({ state: 'detached' });
    await expect.poll(() => daemon.call('hostKeyAlerts')).toEqual([]);
    // "Disconnect" means stop: the window must not try the remote again by itself (and raise the alarm anew).
    await page.waitForTimeout(1500);
    expect(await daemon.call('hostKeyAlerts')).toEqual([]);
    const statuses = (await daemon.call('remoteStatuses')) as { name: string; state: string }[];
    expect(statuses.find((s) => s.name === 'moved')?.state).not.toBe('connected');
    let approved = '';
    try {
      approved = readFileSync(join(home, 'known_hosts'), 'utf8');
    } catch {
      // no approvals file at all: nothing was trusted
    }
    expect(approved).not.toContain(`[127.0.0.1]:${sshd.port}`);
    await page.context().close();
  });

  it('serves no data, API or events without the token, and refuses other Host names and Origins', async () => {
    await daemon.call('saveRemote', { name: 'secret-box', host: '10.9.8.7', user: 'me', mode: 'shell' }, true);
    const json = { 'Content-Type': 'application/json', Host: `127.0.0.1:${daemon.port}` };

    const none = await rawRequest('/api/listRemotes', json, 'POST', '[]');
    expect(none.status).toBe(401);
    expect(none.body).not.toContain('secret-box');
    const wrong = await rawRequest('/api/listRemotes', { ...json, Authorization: 'Bearer not-the-token' }, 'POST', '[]');
    expect(wrong.status).toBe(401);
    expect(wrong.body).not.toContain('secret-box');
    // Positive control: the same request with the token answers.
    const right = await rawRequest('/api/listRemotes', { ...json, Authorization: `Bearer ${daemon.token}` }, 'POST', '[]');
    expect(right.status).toBe(200);
    expect(right.body).toContain('secret-box');

    // DNS rebinding: a page on some other name that resolves to 127.0.0.1 gets nothing, even with the token.
    const rebound = await rawRequest('/api/listRemotes', { ...json, Host: `attacker.example:${daemon.port}`, Authorization: `Bearer ${daemon.token}` }, 'POST', '[]');
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('secret-box');
    expect((await rawRequest('/', { Host: `attacker.example:${daemon.port}` })).status).toBe(403);

    // The event socket: no token, wrong Origin, wrong Host are refused; the page's own request opens.
    const origin = `http://127.0.0.1:${daemon.port}`;
    expect(await openEvents(['burrow.v1'], origin)).toBe(401);
    expect(await openEvents(['burrow.v1', 'token.not-the-token'], origin)).toBe(401);
    expect(await openEvents(['burrow.v1', `token.${daemon.token}`], 'http://attacker.example')).toBe(403);
    expect(await openEvents(['burrow.v1', `token.${daemon.token}`], origin)).toBe(101);

    // The page shell itself carries a strict CSP and no data.
    const shell = await rawRequest('/', { Host: `127.0.0.1:${daemon.port}` });
    expect(shell.status).toBe(200);
    expect(String(shell.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(shell.body).not.toContain('secret-box');

    const page = await newPage(browser);
    const apiCalls: number[] = [];
    page.on('response', (r) => {
      if (r.url().includes('/api/')) apiCalls.push(r.status());
    });
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Open Burrow from its link' }).waitFor();
    expect(await page.textContent('body')).not.toContain('secret-box');
    // It says what gets the right link.
    expect(await page.textContent('body')).toContain('burrow ui');
    expect(apiCalls).toEqual([]);
    await screenshot(page, 'no-token');
    await page.context().close();
  });
});
