import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsFor } from '../../shared/commands.js';
import type { BurrowEvent } from '../../shared/events.js';
import { contentSecurityPolicy } from '../../shared/content-security-policy.js';
import { socketPath, tokenPath } from '../../electron/core/paths.js';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { REPO, type SshdFixture } from '../support/sshd.js';
import { ShellProcess, type ShellState } from './support/shell-process.js';
import { startUserSshd, TEST_USER } from './support/user-sshd.js';

// Boots the built shell (dist/electron/main.js) in plain Node with 'electron' resolved to a recording
// double: the same start-up, IPC, protocol, tray and quit code the app runs, with a real engine and sshd.
let sshd: SshdFixture;
let env: Record<string, string>;
let shell: ShellProcess | undefined;

const TRUSTED = 'app://burrow/index.html';
type Reply = { ok: true; result: unknown } | { ok: false; error: string };

beforeAll(async () => {
  sshd = await startUserSshd();
  env = burrowEnv({ ELECTRON_DOUBLE_CONTROL: '1', XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'burrow-xdg-')) });
  const add = await runBurrow(
    ['remote', 'add', 'prod', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', TEST_USER, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
  shell = new ShellProcess(env);
  await shell.waitForState((s) => s.ipcHandle.includes('burrow:api') && (s.trayMenus.at(-1) ?? []).some((l) => l.includes('prod')), 'the shell to start and list prod in its tray');
});

afterAll(async () => {
  await shell?.kill();
  sshd?.stop();
});

/** Every call that touched the Tray carried something new: the same menu or icon twice in a row is the flicker bug. */
function expectNoRepeatedTrayUpdates(s: ShellState): void {
  for (let i = 1; i < s.trayMenus.length; i++) expect(s.trayMenus[i], `menu update ${i} repeats the one before`).not.toEqual(s.trayMenus[i - 1]);
  for (let i = 1; i < s.trayImages.length; i++) expect(s.trayImages[i], `icon update ${i} repeats the one before`).not.toBe(s.trayImages[i - 1]);
}

describe('the shell booted with a recording electron double', () => {
  it('takes the single-instance lock, uses BURROW_HOME, and opens the window it points at real files', async () => {
    const s = await shell!.waitForState((st) => st.windows.length === 1 && st.windows[0].shown > 0, 'the first-run window');
    expect(s.singleInstanceLock).toBe(1);
    expect(s.paths.userData).toBe(env.BURROW_HOME);
    expect(s.paths.sessionData).toBe(join(env.BURROW_HOME, 'chromium'));
    const [win] = s.windows;
    expect(win.url).toBe(TRUSTED);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    const preload = String(win.options.webPreferences.preload);
    expect(preload).toBe(join(REPO, 'dist', 'electron', 'preload.cjs'));
    expect(existsSync(preload)).toBe(true);
    // No navigation, popups or webviews in any window.
    expect(win.hardened.windowOpenHandler).toBe(true);
    expect(win.hardened.listeners).toEqual(expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview']));
    expect(s.permissionRequestHandler).toBe(true);
    expect(s.permissionCheck).toBe(false);
    // The icons the tray asked for exist where main.ts looks (build/ in development).
    expect(s.trayImages.length).toBeGreaterThan(0);
    for (const icon of s.trayImages) expect(existsSync(icon), icon).toBe(true);
    expect(s.errorBoxes).toEqual([]);
  });

  it('serves the built renderer on app://burrow with the CSP, and nothing outside it', async () => {
    const s = await shell!.state();
    expect(s.privilegedSchemes.map((p) => p.scheme)).toEqual(['app']);
    const page = await shell!.request<{ status: number; headers: Record<string, string>; body: string }>({ op: 'fetch', url: TRUSTED });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy());
    expect(page.body).toBe(readFileSync(join(REPO, 'dist', 'renderer', 'index.html'), 'utf8').slice(0, 2000));
    const script = /src="(?:\.?\/)?(assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    expect((await shell!.request<{ status: number }>({ op: 'fetch', url: `app://burrow/${script}` })).status).toBe(200);
    expect((await shell!.request<{ status: number }>({ op: 'fetch', url: 'app://burrow/..%2f..%2fpackage.json' })).status).toBe(404);
    expect((await shell!.request<{ status: number }>({ op: 'fetch', url: 'app://other/index.html' })).status).toBe(404);
  });

  it('answers every API method over IPC, only for Burrow pages; the preload exposes exactly those methods', async () => {
    for (const method of commandsFor('window')) {
      const reply = await shell!.request<Reply>({ op: 'invoke', channel: 'burrow:api', args: [method, []] });
      if (!reply.ok) expect(reply.error, method).not.toContain('unknown API method');
    }
    const listed = await shell!.request<Reply>({ op: 'invoke', channel: 'burrow:api', args: ['listRemotes', []] });
    // addDemoRemote, called without arguments like every method above, added the demo remote.
    expect(listed.ok && (listed.result as { name: string }[]).map((r) => r.name)).toEqual(['prod', 'demo']);
    await expect(shell!.request({ op: 'invoke', channel: 'burrow:api', url: 'https://evil.example/', args: ['listRemotes', []] })).rejects.toThrow('refused: not a Burrow page');

    // The preload, loaded as Electron's sandbox loads it: require() knows only 'electron'.
    const exposed: Record<string, unknown> = {};
    const sent: string[] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (name: string, value: unknown) => (exposed[name] = value) },
      ipcRenderer: { invoke: async (channel: string) => (sent.push(channel), { ok: true, result: null }), send: (channel: string) => sent.push(channel), on: () => {}, removeListener: () => {} },
    };
    const source = readFileSync(join(REPO, 'dist', 'electron', 'preload.cjs'), 'utf8');
    const sandboxRequire = (id: string) => {
      if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
      return fakeElectron;
    };
    new Function('require', 'exports', 'module', source)(sandboxRequire, {}, { exports: {} });
    const api = exposed.burrow as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(api).sort()).toEqual([...commandsFor('window'), 'subscribe'].sort());
    await api.listRemotes();
    const stop = api.subscribe(() => {}) as () => void;
    stop();
    // Every channel the preload uses has a handler in main: requests, subscribe and unsubscribe of both kinds.
    const s = await shell!.state();
    expect([...new Set(sent)].sort()).toEqual(['burrow:api', 'burrow:subscribe', 'burrow:subscribe-traffic', 'burrow:unsubscribe', 'burrow:unsubscribe-traffic']);
    for (const channel of new Set(sent)) expect([...s.ipcHandle, ...s.ipcOn], channel).toContain(channel);
  });

  it('runs a real burrow connect session against the engine the shell started; traffic reaches only windows that subscribe to it', async () => {
    // Window 1: events only. Window 2: events and traffic.
    await shell!.request({ op: 'send', channel: 'burrow:subscribe', sender: 1 });
    await shell!.request({ op: 'send', channel: 'burrow:subscribe', sender: 2 });
    await shell!.request({ op: 'send', channel: 'burrow:subscribe-traffic', sender: 2 });

    const c = await connectClient(['--remote', 'prod'], env);
    try {
      const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content)).toContain('42');
      const connected = await shell!.waitForState((st) => (st.trayMenus.at(-1) ?? []).some((l) => l.includes('prod — connected (1 session)')), 'the tray to show the session');
      expectNoRepeatedTrayUpdates(connected);
    } finally {
      await c.close();
    }
    expect(sshd.log()).toContain(`Accepted publickey for ${TEST_USER}`);

    const events = (n: number) => shell!.request<BurrowEvent[]>({ op: 'received', sender: n });
    const one = await events(1);
    const two = await events(2);
    expect(one.some((e) => e.type === 'remote-state')).toBe(true);
    expect(one.filter((e) => e.type === 'traffic')).toEqual([]);
    expect(two.some((e) => e.type === 'traffic' && e.entry.method === 'tools/call')).toBe(true);

    // Unsubscribing reaches main: no more traffic for window 2.
    await shell!.request({ op: 'send', channel: 'burrow:unsubscribe-traffic', sender: 2 });
    const before = (await events(2)).filter((e) => e.type === 'traffic').length;
    const again = await connectClient(['--remote', 'prod'], env);
    try {
      await again.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 1 } });
    } finally {
      await again.close();
    }
    expect((await events(2)).filter((e) => e.type === 'traffic').length).toBe(before);
  });

  it('changes the tray menu when a remote is added through the socket, and only when the model changes', async () => {
    const add = await runBurrow(['remote', 'add', 'staging', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', TEST_USER, '--key', sshd.clientKey, '--no-agent'], env);
    expect(add.code, add.stderr).toBe(0);
    const s = await shell!.waitForState((st) => (st.trayMenus.at(-1) ?? []).some((l) => l.includes('staging')), 'the tray to list staging');
    expect(s.trayMenus.at(-1)).toEqual(expect.arrayContaining(['○  prod — idle', '○  staging — idle', 'Open Burrow', 'Quit Burrow']));
    // Past the old 5 s rebuild timer: still no update without a change.
    const waitMs = 5500 - (Date.now() - shell!.startedAt);
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
    expectNoRepeatedTrayUpdates(await shell!.waitForState(() => true, 'the shell state'));
  });

  it('notifies when a host key waits for a person, and the tray shows the attention icon until it is answered', async () => {
    const add = await runBurrow(['remote', 'add', 'lab', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', TEST_USER, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.emptyKnownHostsFile], env);
    expect(add.code, add.stderr).toBe(0);
    // The inspector connecting to lab meets an unknown host key: it waits in the approval queue.
    const catalog = shell!.request<Reply>({ op: 'invoke', channel: 'burrow:api', args: ['catalog', ['lab']] });
    const waiting = await shell!.waitForState((st) => st.notifications.length > 0, 'a notification');
    expect(waiting.notifications[0].title).toBe('New host key for lab');
    expect(waiting.notifications[0].body).toContain('SHA256:');
    const attention = await shell!.waitForState((st) => st.trayImages.at(-1)?.endsWith('tray-attention.png') === true, 'the attention icon');
    expect(attention.trayMenus.at(-1)).toContain('!  lab — waiting for approval');

    const pending = await shell!.request<Reply>({ op: 'invoke', channel: 'burrow:api', args: ['pendingApprovals', []] });
    const [approval] = (pending.ok ? pending.result : []) as { id: string }[];
    // Clicking the notification (after a garbage collection) opens Burrow's window.
    const shownBefore = attention.windows[0].shown;
    await shell!.request({ op: 'click-notification' });
    expect((await shell!.state()).windows[0].shown).toBe(shownBefore + 1);
    const answered = await shell!.request<Reply>({ op: 'invoke', channel: 'burrow:api', args: ['answerApproval', [approval.id, 'reject']] });
    expect(answered.ok).toBe(true);
    const refused = await catalog;
    expect(refused.ok).toBe(false);
    const calm = await shell!.waitForState((st) => st.trayImages.at(-1)?.endsWith('tray.png') === true || !(st.trayMenus.at(-1) ?? []).some((l) => l.includes('waiting for approval')), 'the approval to leave the tray');
    expectNoRepeatedTrayUpdates(calm);
  });

  it('quits from the tray: the engine stops and its socket and token are gone; window bounds were kept', async () => {
    expect(existsSync(socketPath(env))).toBe(true);
    await shell!.request({ op: 'close-windows' });
    await shell!.request({ op: 'click', label: 'Quit Burrow' });
    expect(await Promise.race([shell!.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))])).toBe(0);
    expect(existsSync(socketPath(env))).toBe(false);
    expect(existsSync(tokenPath(env))).toBe(false);
    // The window's size was kept in the shell's own store.
    const ui = JSON.parse(readFileSync(join(env.BURROW_HOME, 'ui-state.json'), 'utf8')) as { windows: Record<string, unknown> };
    expect(ui.windows.main).toEqual({ x: 10, y: 20, width: 960, height: 680 });
  });
});
