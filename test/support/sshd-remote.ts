import { expect } from 'vitest';
import { runBurrow } from './burrow-process.js';
import type { SshdFixture } from './sshd.js';

type SshdLogin = Pick<SshdFixture, 'port' | 'user' | 'clientKey' | 'knownHostsFile'>;

/**
 * `burrow remote add NAME` for a test sshd, as a person types it: its port, login and key, no agent, and its
 * known_hosts file (pass `{ ...sshd, knownHostsFile }` for another). Fails the test unless it is saved.
 */
export async function addSshdRemote(env: Record<string, string>, name: string, sshd: SshdLogin, extra: string[] = []): Promise<void> {
  const added = await runBurrow(
    ['remote', 'add', name, '--host', '127.0.0.1', '--port', String(sshd.port), '--user', sshd.user, '--key', sshd.clientKey, '--no-agent', '--known-hosts', sshd.knownHostsFile, ...extra],
    env,
  );
  expect(added.code, added.stderr).toBe(0);
}

/** The same login as a remote object for `saveRemote` (how the window and the engine take it); `extra` adds fields. */
export function sshdRemote<Extra extends object>(name: string, sshd: Pick<SshdFixture, 'port' | 'user' | 'clientKey'>, extra: Extra) {
  return { name, host: '127.0.0.1', port: sshd.port, user: sshd.user, identityFiles: [sshd.clientKey], useAgent: false, ...extra };
}
