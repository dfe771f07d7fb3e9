import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { startRuntime, type BurrowRuntime } from '../../electron/core/app-runtime.js';
import { findRunningEngine, handOverRunningEngine } from '../../electron/core/ipc/engine-discovery.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { socketPath, tokenPath } from '../../electron/core/paths.js';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import type { SshdFixture } from '../support/sshd.js';
import { ShellProcess } from '../shell/support/shell-process.js';
import { startUserSshd, TEST_USER } from '../shell/support/user-sshd.js';

// The tray app starting while a `burrow daemon` serves an MCP host: the daemon hands over, it does not drop the session.
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;
let runtime: BurrowRuntime | undefined;
let shell: ShellProcess | undefined;
const clients: ConnectedClient[] = [];
const savedHome = process.env.BURROW_HOME;

beforeAll(async () => {
  sshd = await startUserSshd();
  env = burrowEnv();
  const add = await runBurrow(
    ['remote', 'add', 'prod', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', TEST_USER, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile],
    env,
  );
  expect(add.code, add.stderr).toBe(0);
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await daemon?.stop();
  await runtime?.close();
  await shell?.kill();
  sshd?.stop();
  if (savedHome === undefined) delete process.env.BURROW_HOME;
  else process.env.BURROW_HOME = savedHome;
});

const sum = async (c: ConnectedClient, a: number, b: number) => JSON.stringify((await c.client.callTool({ name: 'get-sum', arguments: { a, b } })).content);

describe('the app taking the socket from a running daemon', () => {
  it('keeps the daemon session working after the takeover, sends new sessions to the new engine, and the daemon exits when its last session ends', async () => {
    daemon = await startDaemon(env);
    const old = await connectClient(['--remote', 'prod'], env);
    clients.push(old);
    expect(await sum(old, 1, 2)).toContain('3');
    const daemonExited = new Promise<number | null>((r) => daemon!.child.once('exit', (code) => r(code)));

    // What the tray app's start-up does (electron/main.ts): hand over, then start its own engine on the same socket.
    process.env.BURROW_HOME = env.BURROW_HOME;
    expect(await handOverRunningEngine(5000, env)).toBe(true);
    expect(existsSync(tokenPath(env))).toBe(false);
    runtime = await startRuntime({ home: env.BURROW_HOME, logger: silentLogger, kind: 'app', idleTimeoutMs: 60_000, onStopRequest: () => {} });
    expect((await findRunningEngine(env))?.pid).toBe(process.pid);
    expect(existsSync(socketPath(env))).toBe(true);

    // The MCP host's open session still runs through the old daemon.
    expect(await sum(old, 20, 22)).toContain('42');
    expect(daemon.child.exitCode).toBeNull();

    // A new session goes to the app's engine.
    const fresh = await connectClient(['--remote', 'prod'], env);
    clients.push(fresh);
    expect(await sum(fresh, 5, 5)).toContain('10');
    expect(runtime.engine.sessions.count()).toBe(1);

    // The old session ends: the daemon exits, and leaves the new owner's socket and token alone.
    await old.close();
    clients.splice(clients.indexOf(old), 1);
    expect(await Promise.race([daemonExited, new Promise((r) => setTimeout(() => r('still running'), 15_000))])).toBe(0);
    expect(existsSync(socketPath(env))).toBe(true);
    expect(existsSync(tokenPath(env))).toBe(true);
    expect((await findRunningEngine(env))?.pid).toBe(process.pid);
    expect(await sum(fresh, 1, 1)).toContain('2');
    expect(sshd.log()).toContain(`Accepted publickey for ${TEST_USER}`);
  });

  it('the booted shell does the same on start: the host session outlives the takeover, and Quit leaves no daemon', async () => {
    await runtime?.close();
    runtime = undefined;
    const home = burrowEnv({ BURROW_HOME: env.BURROW_HOME, ELECTRON_DOUBLE_CONTROL: '1' });
    daemon = await startDaemon(home);
    const daemonExited = new Promise<number | null>((r) => daemon!.child.once('exit', (code) => r(code)));
    const old = await connectClient(['--remote', 'prod'], home);
    clients.push(old);
    expect(await sum(old, 1, 2)).toContain('3');

    shell = new ShellProcess(home, ['--autostart']);
    await shell.waitForState((s) => (s.trayMenus.at(-1) ?? []).some((l) => l.includes('prod')), 'the shell to start');
    expect((await findRunningEngine(home))?.pid).toBe(shell.child.pid);
    expect(await sum(old, 2, 2)).toContain('4');
    const fresh = await connectClient(['--remote', 'prod'], home);
    clients.push(fresh);
    expect(await sum(fresh, 3, 3)).toContain('6');
    await shell.waitForState((s) => (s.trayMenus.at(-1) ?? []).some((l) => l.includes('prod — connected (1 session)')), 'the shell to count its one session');

    await old.close();
    clients.splice(clients.indexOf(old), 1);
    expect(await Promise.race([daemonExited, new Promise((r) => setTimeout(() => r('still running'), 15_000))])).toBe(0);
    expect(await sum(fresh, 4, 4)).toContain('8');
    await fresh.close();
    clients.splice(clients.indexOf(fresh), 1);
    await shell.request({ op: 'click', label: 'Quit Burrow' });
    expect(await Promise.race([shell.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))])).toBe(0);
    expect(await findRunningEngine(home)).toBeUndefined();
  });
});
