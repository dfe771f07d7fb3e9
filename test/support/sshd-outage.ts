import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendants, isRunning } from './run-state.js';
import type { SshdFixture } from './sshd.js';
import { waitFor } from './wait-for.js';

/** The pid of the test sshd's listener, from the pid file it writes. */
export function sshdMasterPid(sshd: Pick<SshdFixture, 'dir'>): number {
  return Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8'));
}

/** The remote goes away as a host sees it: sshd stops listening, then every live connection is cut. */
export async function takeSshdDown(sshd: Pick<SshdFixture, 'dir' | 'stop'>): Promise<void> {
  const master = sshdMasterPid(sshd);
  const connections = descendants(master);
  sshd.stop();
  // Until the listener is gone, a reconnect would still be let in: cut the connections only after.
  await waitFor(() => !isRunning(master), 10_000, () => `sshd ${master} did not stop`);
  for (const pid of connections) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
