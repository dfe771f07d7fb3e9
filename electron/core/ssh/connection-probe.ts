import type { Client as SshClient } from 'ssh2';

/**
 * Whether a connection still answers: one global request the server must reply to (cancelling a forward that was
 * never asked for; a refusal is an answer too). No reply within `timeoutMs` means the connection is gone.
 */
export function probeConnection(client: SshClient, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    try {
      client.unforwardIn('127.0.0.1', 1, () => {
        clearTimeout(timer);
        resolve(true);
      });
    } catch {
      // "Not connected": the socket is gone already.
      clearTimeout(timer);
      resolve(false);
    }
  });
}
