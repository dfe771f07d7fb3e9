import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshServerState } from '../../shared/devices.js';
import { burrowEnv } from '../support/burrow-process.js';
import { acceptsConnections } from '../support/port-probe.js';
import { freePort } from '../support/sshd.js';
import { waitFor } from '../support/wait-for.js';
import { ShellProcess } from './support/shell-process.js';

// The tray app (dist/electron/main.js with the recording electron double) on a fresh home: what its window asks of it.
let env: Record<string, string>;
let shell: ShellProcess | undefined;

type Reply = { ok: true; result: unknown } | { ok: false; error: string };
/** Calls the command table as the window does, over the IPC handler main.ts registers. */
async function call<T>(method: string, ...args: unknown[]): Promise<T> {
  const reply = await shell!.request<Reply>({ op: 'invoke', channel: 'burrow:api', args: [method, args] });
  if (!reply.ok) throw new Error(reply.error);
  return reply.result as T;
}
const started = async () => {
  shell = new ShellProcess(env);
  await shell.waitForState((s) => s.ipcHandle.includes('burrow:api'), 'the tray app to start');
};
const quit = async () => {
  await shell!.request({ op: 'click', label: 'Quit Burrow' });
  expect(await Promise.race([shell!.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))])).toBe(0);
};
type Sum = { raw: { structuredContent: unknown } };

beforeAll(async () => {
  env = burrowEnv({ ELECTRON_DOUBLE_CONTROL: '1', XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'burrow-xdg-')) });
  await started();
});

afterAll(async () => {
  await shell?.kill();
});

describe('the tray app: the demo remote and the remembered switch for devices', () => {
  it('on a fresh start its menu points at the demo the window offers, and that item opens the window', async () => {
    const s = await shell!.waitForState((st) => st.trayMenus.length > 0 && st.windows.length > 0, 'the tray menu and the first-run window');
    expect(s.trayMenus.at(-1)?.[0]).toBe('No remotes yet — open Burrow to try the demo');
    const shown = s.windows[0].shown;
    await shell!.request({ op: 'click', label: 'No remotes yet — open Burrow to try the demo' });
    await shell!.waitForState((st) => st.windows.length === 1 && st.windows[0].shown > shown, 'the item to show the window');
  });

  it('adds the demo from its window, and after a restart serves it again and listens for devices where the switch was left', async () => {
    expect(await call('listRemotes')).toEqual([]);
    const demo = await call<{ name: string; port: number }>('addDemoRemote');
    expect(demo).toMatchObject({ name: 'demo', host: '127.0.0.1', user: 'demo' });
    // The window's approval dialog answers the demo's host key.
    const calling = call<Sum>('callTool', 'demo', 'add', { a: 2, b: 40 });
    let answered = false;
    await waitFor(
      async () => {
        const [pending] = await call<{ id: string }[]>('pendingApprovals');
        if (pending) answered = (await call<number>('answerApproval', pending.id, 'approve')) === 1;
        return answered;
      },
      20_000,
      () => 'no host key waited for approval',
    );
    expect((await calling).raw.structuredContent).toEqual({ sum: 42 });

    const devicesPort = await freePort();
    expect(await call<SshServerState>('setSshServer', `127.0.0.1:${devicesPort}`)).toMatchObject({ listening: `127.0.0.1:${devicesPort}` });
    await quit();
    expect(await acceptsConnections(devicesPort)).toBe(false);

    await started();
    expect(await call<SshServerState>('sshServerState')).toMatchObject({ listening: `127.0.0.1:${devicesPort}`, remembered: `127.0.0.1:${devicesPort}` });
    expect(await acceptsConnections(devicesPort)).toBe(true);
    // Same port, so the key approved before still holds: nothing asks this time.
    expect((await call<Sum>('callTool', 'demo', 'add', { a: 1, b: 1 })).raw.structuredContent).toEqual({ sum: 2 });
    expect(await call('pendingApprovals')).toEqual([]);

    expect(await call('removeRemote', 'demo')).toBe(true);
    await waitFor(async () => !(await acceptsConnections(demo.port)), 10_000, () => `the demo still accepts on ${demo.port}`);
    await quit();
  });
});
