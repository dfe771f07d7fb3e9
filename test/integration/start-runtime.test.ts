import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type BurrowRuntime } from '../../electron/core/app-runtime.js';
import { findRunningEngine, stopRunningEngine } from '../../electron/core/ipc/engine-discovery.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';

// The engine the tray app runs in its main process, started here in-process the same way.
let sshd: SshdFixture;
let env: Record<string, string>;
let runtime: BurrowRuntime | undefined;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  await addSshdRemote(env, 'prod', sshd);
});

afterAll(async () => {
  await runtime?.close();
  sshd?.stop();
});

describe('the shared engine start-up (tray app and burrow daemon)', () => {
  it('takes over from a running burrow daemon: asks it to stop and waits for its socket', async () => {
    const daemon = await startDaemon(env);
    expect((await findRunningEngine(env))?.pid).toBe(daemon.child.pid);
    const exited = new Promise((r) => daemon.child.once('exit', r));
    expect(await stopRunningEngine(5000, env)).toBe(true);
    await exited;
    expect(await findRunningEngine(env)).toBeUndefined();
  });

  it('serves burrow connect on the same socket; Pause refuses new sessions with what to do, Resume lets them in', async () => {
    Object.assign(process.env, { BURROW_HOME: env.BURROW_HOME });
    runtime = await startRuntime({ home: env.BURROW_HOME, logger: silentLogger, kind: 'app', idleTimeoutMs: 60_000, onStopRequest: () => {} });
    expect((await findRunningEngine(env))?.pid).toBe(process.pid);

    runtime.engine.sessions.setPaused(true);
    const refused = await runBurrow(['connect', '--remote', 'prod'], env, `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('burrow: Burrow is paused: choose Resume in its tray menu, then retry');
    // The host sees the same words as the error of its request, not a bare closed pipe.
    expect(JSON.parse(refused.stdout)).toMatchObject({ id: 1, error: { message: 'Burrow is paused: choose Resume in its tray menu, then retry' } });
    expect(sshd.acceptedLogins()).toBe(0);

    runtime.engine.sessions.setPaused(false);
    const c = await connectClient(['--remote', 'prod'], env);
    try {
      const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
      expect(JSON.stringify(sum.content)).toContain('42');
    } finally {
      await c.close();
    }
  });
});
