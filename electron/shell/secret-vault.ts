import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/hostconfig/config-file.js';

/** What the vault needs of Electron's safeStorage (main.ts hands in the real one). */
export interface SecretCipher {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'gnome_libsecret', 'kwallet', …, or 'basic_text' (a fixed, public key). */
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** Why secrets cannot be kept on this machine, or undefined when the OS keychain protects them. */
export function secretStorageProblem(cipher: SecretCipher, platform: NodeJS.Platform): string | undefined {
  if (!cipher.isEncryptionAvailable()) return 'the system keychain is not available, so Burrow will ask for passwords and passphrases each time';
  if (platform === 'linux') {
    const backend = cipher.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      return `no keyring is running (Electron chose "${backend}", a key anyone can read), so Burrow will ask for passwords and passphrases each time; start gnome-keyring or KWallet to let it remember them`;
    }
  }
  return undefined;
}

/**
 * Passwords and passphrases, encrypted by the OS keychain through safeStorage, in one file.
 * Refuses to store anything when the keychain would not really protect it (never plain text).
 */
export class SecretVault {
  constructor(
    private readonly file: string,
    private readonly cipher: SecretCipher,
    private readonly platform: NodeJS.Platform,
  ) {}

  problem(): string | undefined {
    return secretStorageProblem(this.cipher, this.platform);
  }

  get(key: string): string | undefined {
    if (this.problem()) return undefined;
    const sealed = this.read()[key];
    return sealed === undefined ? undefined : this.cipher.decryptString(Buffer.from(sealed, 'base64'));
  }

  set(key: string, secret: string): void {
    const problem = this.problem();
    if (problem) throw new Error(`Burrow did not save the secret: ${problem}`);
    const all = this.read();
    all[key] = this.cipher.encryptString(secret).toString('base64');
    writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  delete(key: string): void {
    const all = this.read();
    if (!(key in all)) return;
    delete all[key];
    writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
  }

  private read(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
}
