import { createHash } from 'node:crypto';
import type { PendingSecret } from '../../../shared/approvals.js';
import type { ApprovalBroker } from '../approvals/approval-broker.js';
import { BurrowError } from '../errors.js';
import type { Logger } from '../logging/logger.js';

/**
 * Where secrets may outlive the process: the tray app's OS keychain (electron/shell/secret-vault.ts).
 * The daemon has none: it keeps secrets in memory only.
 */
export interface SecretStore {
  get(key: string): string | undefined;
  set(key: string, secret: string): void;
  delete(key: string): void;
}

/** Which secret, for which saved remote: what the queue shows, less its bookkeeping. */
export type SecretNeed = Omit<PendingSecret, 'id' | 'kind' | 'requestedAt'>;

const describe = (need: SecretNeed) =>
  need.secret === 'passphrase' ? `the passphrase of key ${need.keyPath} for ${need.remote}` : `the password of ${need.user}@${need.host}:${need.port} for ${need.remote}`;

const seconds = (ms: number) => (ms < 1000 ? `${ms}ms` : `${Math.round(ms / 1000)}s`);

/**
 * Passphrases and passwords of saved remotes: remembered for the life of the process once they worked
 * (and in the OS keychain when there is one), otherwise asked of a person through the approval queue.
 * A secret that turned out wrong is forgotten, so the next connection asks again.
 */
export class SecretKeeper {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly logger: Logger,
    private store?: SecretStore,
  ) {}

  /** The tray app hands in its keychain vault once it knows the keychain really protects secrets. */
  useStore(store: SecretStore | undefined): void {
    this.store = store;
  }

  /** The remembered secret, or one a person enters; throws a one-line error when no one does in time. */
  async obtain(need: SecretNeed, timeoutMs: number, status: (message: string) => void): Promise<string> {
    const known = this.recall(need);
    if (known !== undefined) return known;
    const item: PendingSecret = { ...need, id: secretRequestId(need), kind: 'secret', requestedAt: new Date().toISOString() };
    status(`waiting for ${describe(need)}: enter it in Burrow (its window or web UI), or run: burrow secrets enter ${item.id}`);
    const outcome = await this.broker.requestSecret(item, timeoutMs);
    if (outcome === 'timeout') throw new BurrowError(`nobody entered ${describe(need)} within ${seconds(timeoutMs)}; connect again and enter it in Burrow when asked`, 'auth');
    if (outcome === 'refused') throw new BurrowError(`${describe(need)} was not given (cancelled in Burrow)`, 'auth');
    return outcome.value;
  }

  /** The secret worked: keep it for the next connection. */
  confirm(need: SecretNeed, value: string): void {
    const key = storeKey(need);
    this.memory.set(key, value);
    try {
      this.store?.set(key, value);
    } catch (error) {
      this.logger.warn((error as Error).message);
    }
  }

  /** The secret was wrong: forget it everywhere, so the next connection asks a person again. */
  forget(need: SecretNeed): void {
    const key = storeKey(need);
    this.memory.delete(key);
    try {
      this.store?.delete(key);
    } catch (error) {
      this.logger.warn(`could not remove a stored secret: ${(error as Error).message}`);
    }
  }

  private recall(need: SecretNeed): string | undefined {
    const key = storeKey(need);
    const inMemory = this.memory.get(key);
    if (inMemory !== undefined) return inMemory;
    try {
      return this.store?.get(key);
    } catch (error) {
      this.logger.warn(`could not read a stored secret: ${(error as Error).message}`);
      return undefined;
    }
  }
}

/** A passphrase belongs to a remote's key file; a password to the remote's user@host:port (an edited remote asks anew). */
function storeKey(need: SecretNeed): string {
  return need.secret === 'passphrase' ? `${need.remote}|passphrase|${need.keyPath}` : `${need.remote}|password|${need.user}@${need.host}:${need.port}`;
}

/** Short and stable, so sessions waiting for the same secret share one request and people can type it. */
export function secretRequestId(need: SecretNeed): string {
  return `secret-${createHash('sha256').update(storeKey(need)).digest('hex').slice(0, 10)}`;
}
