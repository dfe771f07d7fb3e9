import type { Client as SshClient } from 'ssh2';
import { BurrowError } from '../errors.js';
import { HostKeyAwaitsApproval } from './ssh-connection.js';

/**
 * Opens a connection with `open`; when its host key needs a person, that connection is closed already, so
 * the answer is awaited with nothing held open on the server, and a new connection is opened if approved.
 * `open` must build a fresh stream each time (a jump host's channel cannot be reused).
 */
export async function approveThenReconnect(open: () => Promise<SshClient>): Promise<SshClient> {
  // After one approval the verifier accepts that key and refuses any other: one more question is never asked.
  for (let asked = 0; ; asked++) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof HostKeyAwaitsApproval) || asked > 0) throw error;
      const decision = await error.ask();
      if (!decision.ok) throw new BurrowError(decision.message, 'host-key');
    }
  }
}
