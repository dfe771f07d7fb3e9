import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import ssh2 from './ssh2-library.js';

export interface Ed25519Pair {
  /** OpenSSH private key format. */
  private: string;
  /** `ssh-ed25519 AAAA… comment`. */
  public: string;
}

/**
 * A new ed25519 key pair in OpenSSH format. ssh2's generator drops a leading zero byte of the public key (about
 * 1 key in 250 comes out 31 bytes long), and both files of such a pair are then unreadable, by ssh2 and by OpenSSH:
 * a pair is only handed out once both parts read back as a 32-byte ed25519 key.
 */
export function generateEd25519Pair(comment: string): Ed25519Pair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (readsBack(pair.private) && readsBack(pair.public)) return pair;
  }
}

// string "ssh-ed25519" (4 + 11) + string key (4 + 32)
const ED25519_BLOB_BYTES = 51;

function readsBack(text: string): boolean {
  const parsed = ssh2.utils.parseKey(Buffer.from(text));
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return !(key instanceof Error) && key.getPublicSSH().length === ED25519_BLOB_BYTES;
}

/** Writes a new ed25519 key pair in OpenSSH format: private 0600, public 0644, as ssh-keygen does. */
export function generateKeyFile(path: string, comment = `${userInfo().username}@${hostname()}`): string {
  if (existsSync(path)) throw new Error(`${path} exists already; not overwriting a key`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { private: privateKey, public: publicKey } = generateEd25519Pair(comment);
  writeFileSync(path, privateKey, { mode: 0o600 });
  writeFileSync(`${path}.pub`, `${publicKey}\n`, { mode: 0o644 });
  return publicKey;
}
