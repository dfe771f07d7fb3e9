import { ConfSettingsStore } from '../core/settings/settings-store.js';
import { HostKeyStore } from '../core/hostkeys/host-key-store.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';
import { burrowHome } from '../core/paths.js';
import { BurrowService } from '../core/service.js';
import { join } from 'node:path';

/**
 * Runs a named request where it belongs: in the running daemon (the only writer of the store),
 * or here when none runs.
 */
export async function callService<T>(method: string, params?: unknown): Promise<T> {
  try {
    return await requestDaemon<T>(method, params);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED' && code !== 'ENOTOKEN') throw error;
  }
  const home = burrowHome();
  const local = new BurrowService(new ConfSettingsStore(home), new HostKeyStore(join(home, 'known_hosts')));
  return (await local.handle(method, params)) as T;
}
