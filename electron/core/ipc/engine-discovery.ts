import { existsSync } from 'node:fs';
import { tokenPath } from '../paths.js';
import { connectToDaemon, requestDaemon } from './ipc-client.js';
import type { DaemonInfo } from './daemon-info.js';
import { subscribeToEngine, type EngineSubscription } from './event-subscription.js';

/** The engine already serving this Burrow home, if one answers on its socket. */
export async function findRunningEngine(env: NodeJS.ProcessEnv = process.env): Promise<DaemonInfo | undefined> {
  try {
    const { socket, info } = await connectToDaemon(env);
    socket.destroy();
    return info;
  } catch {
    return undefined;
  }
}

/**
 * Asks the running engine to stop (it lets open sessions finish) and waits until it has: it closes its local
 * connections, this listening one among them, as the last step before its process ends. False on timeout.
 */
export async function stopRunningEngine(timeoutMs = 5000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  let subscription: EngineSubscription | undefined;
  try {
    // First: an engine that stops at once must still find us listening.
    subscription = await subscribeToEngine(() => {}, {}, env);
    await requestDaemon('stopEngine', [], env);
  } catch {
    subscription?.close();
    return (await findRunningEngine(env)) === undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  const listening = subscription;
  const stopped = await Promise.race([
    listening.closed.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  listening.close();
  return stopped;
}

/**
 * Takes the socket from a running `burrow daemon` without dropping its live sessions: the daemon stops
 * accepting and exits once its sessions end; new sessions come to the caller's engine. Falls back to
 * stopping an older daemon that does not know the request. True when the socket is free.
 */
export async function handOverRunningEngine(timeoutMs = 5000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    await requestDaemon('handOver', [], env);
  } catch {
    return stopRunningEngine(timeoutMs, env);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Handed over: its token file is gone and nothing answers (a slow answer alone is not a hand-over).
    if (!existsSync(tokenPath(env)) && (await findRunningEngine(env)) === undefined) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
