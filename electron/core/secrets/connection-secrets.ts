import type { Remote } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';
import type { SecretKeeper, SecretNeed } from './secret-keeper.js';

/**
 * The secrets of one connection attempt to a saved remote: fetched from the keeper (remembered, or asked
 * of a person), then kept if they worked and forgotten if they did not.
 */
export class ConnectionSecrets {
  /** Passphrases handed out, by key label, until the key is known to have opened. */
  private readonly passphrases = new Map<string, string>();
  private passwordTried?: string;
  /** Why no secret came (timeout, cancelled): the error the person should see instead of "authentication failed". */
  private failure?: BurrowError;

  constructor(
    private readonly keeper: SecretKeeper,
    private readonly remote: Remote,
    private readonly timeoutMs: number,
    private readonly status: (message: string) => void,
  ) {}

  readonly askPassphrase = async (keyPath: string): Promise<string> => {
    const value = await this.obtain(this.need('passphrase', keyPath));
    this.passphrases.set(keyPath, value);
    return value;
  };

  readonly password = async (): Promise<string> => {
    const value = await this.obtain(this.need('password'));
    this.passwordTried = value;
    return value;
  };

  /** The keys that loaded: their passphrases were right. Any other handed-out passphrase was wrong. */
  keysLoaded(labels: string[]): boolean {
    let wrong = false;
    for (const [keyPath, value] of this.passphrases) {
      if (labels.includes(keyPath)) this.keeper.confirm(this.need('passphrase', keyPath), value);
      else {
        this.keeper.forget(this.need('passphrase', keyPath));
        wrong = true;
      }
    }
    this.passphrases.clear();
    return wrong;
  }

  /** The server let us in: a password it took is remembered. */
  connected(): void {
    if (this.passwordTried !== undefined) this.keeper.confirm(this.need('password'), this.passwordTried);
    this.passwordTried = undefined;
  }

  /** The error to show for a failed attempt, after forgetting whatever secret was wrong. */
  explain(error: unknown): unknown {
    if (this.failure) return this.failure;
    let forgot = this.keysLoaded([]);
    if (this.passwordTried !== undefined && error instanceof BurrowError && error.kind === 'auth') {
      this.keeper.forget(this.need('password'));
      forgot = true;
    }
    if (!forgot || !(error instanceof BurrowError)) return error;
    return new BurrowError(`${error.message}; Burrow forgot what was entered and will ask again on the next connection`, error.kind);
  }

  private async obtain(need: SecretNeed): Promise<string> {
    try {
      return await this.keeper.obtain(need, this.timeoutMs, this.status);
    } catch (error) {
      if (error instanceof BurrowError) this.failure ??= error;
      throw error;
    }
  }

  private need(secret: SecretNeed['secret'], keyPath?: string): SecretNeed {
    const { name, host, port, user } = this.remote;
    return { secret, remote: name, host, port, user, keyPath };
  }
}
