import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import ssh2 from 'ssh2';

/** Writes a new ed25519 key pair in OpenSSH format: private 0600, public 0644, as ssh-keygen does. */
export function generateKeyFile(path: string, comment = `${userInfo().username}@${hostname()}`): string {
  if (existsSync(path)) throw new Error(`${path} exists already; not overwriting a key`);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { private: privateKey, public: publicKey } = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  writeFileSync(path, privateKey, { mode: 0o600 });
  writeFileSync(`${path}.pub`, `${publicKey}\n`, { mode: 0o644 });
  return publicKey;
}
