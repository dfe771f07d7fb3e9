import type { PendingApproval } from '../../shared/approvals.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';

/** How often the queue is read while a command waits; a person reads the line within a second of the ask. */
const POLL_MS = 500;

/**
 * `burrow tools` and `burrow call` wait inside the engine while a host key or a passphrase of the remote waits
 * for a person; without a word the terminal looks hung for the whole approval timeout. While `work` runs, this
 * says once on stderr what waits and the command that answers it, as `burrow connect` does.
 */
export async function sayWhatWaits<T>(remote: string, work: Promise<T>): Promise<T> {
  const said = new Set<string>();
  let reading = false;
  const look = async () => {
    if (reading) return;
    reading = true;
    try {
      const pending = await requestDaemon<PendingApproval[]>('pendingApprovals', []);
      for (const p of pending) {
        const line = waitingLine(p, remote);
        if (!line || said.has(p.id)) continue;
        said.add(p.id);
        process.stderr.write(`burrow: ${line}\n`);
      }
    } catch {
      // The queue is a courtesy: the command's own result or error is what counts.
    } finally {
      reading = false;
    }
  };
  const timer = setInterval(() => void look(), POLL_MS);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

/** The line for one queued item of this remote, or undefined for others' items. */
export function waitingLine(p: PendingApproval, remote: string): string | undefined {
  if (p.kind === 'host-key' && p.remote === remote) {
    return `waiting for approval of the host key of ${p.host}:${p.port} (${remote}): ${p.fingerprint}; approve it in Burrow or run: burrow hostkeys approve ${p.fingerprint}`;
  }
  if (p.kind === 'secret' && p.remote === remote) {
    return `waiting for the ${p.secret.replace('-', ' ')} of ${remote}: enter it in Burrow, or run: burrow secrets enter ${p.id}`;
  }
  return undefined;
}
