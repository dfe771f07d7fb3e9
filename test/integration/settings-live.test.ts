import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineSettings, RemoteStatus } from '../../shared/api.js';
import { requestDaemon } from '../../electron/core/ipc/ipc-client.js';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  for (const name of ['warm', 'cold']) await addSshdRemote(env, name, sshd, ['--command', EVERYTHING_COMMAND]);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

const call = <T>(method: string, ...args: unknown[]) => requestDaemon<T>(method, args, env);
const stateOf = async (name: string) => (await call<RemoteStatus[]>('remoteStatuses')).find((s) => s.name === name)?.state;

async function oneSession(remote: string): Promise<void> {
  const host = await connectClient(['--remote', remote], env);
  await host.client.listTools();
  await host.close();
}

describe('engine settings saved from any surface apply to the running engine and the next start', () => {
  it('idle timeout 0 and prestart off close a remote\'s connection with its last session; flags win at start', async () => {
    daemon = await startDaemon(env);
    expect(await call<EngineSettings>('settings')).toMatchObject({ approvalTimeoutSec: 120, idleTimeoutSec: 600, prestart: true });

    // Defaults: after its session the remote keeps its connection, with the next server started ahead.
    await oneSession('warm');
    await waitFor(async () => sshd.remoteProcesses().length === 1 && (await stateOf('warm')) !== 'disconnected', 20_000, () => `remote processes: ${sshd.remoteProcesses().length}`);

    const saved = await call<EngineSettings>('saveSettings', { idleTimeoutSec: 0, prestart: false });
    expect(saved).toMatchObject({ idleTimeoutSec: 0, prestart: false });
    // Now, without a restart: no spare and no idle connection once the session ends.
    await oneSession('cold');
    await waitFor(async () => (await stateOf('cold')) === 'disconnected', 20_000, () => 'cold stayed connected');
    expect(sshd.remoteProcesses()).toHaveLength(1);

    await daemon.stop();
    daemon = await startDaemon(env);
    expect(await call<EngineSettings>('settings')).toMatchObject({ idleTimeoutSec: 0, prestart: false });
    await daemon.stop();
    daemon = await startDaemon(env, ['--idle-timeout', '30']);
    expect(await call<EngineSettings>('settings')).toMatchObject({ idleTimeoutSec: 30, prestart: false });
  });
});
