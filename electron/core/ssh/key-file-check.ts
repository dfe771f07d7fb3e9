import { readFileSync } from 'node:fs';
import ssh2 from './ssh2-library.js';
import { describeFileError } from '../file-errors.js';

export interface KeyFileInfo {
  /** ssh-ed25519, ssh-rsa, … (undefined for an encrypted OpenSSH key, whose type is sealed too). */
  type?: string;
  /** Needs a passphrase to use: fine to save, it is asked for (or read) when connecting. */
  encrypted: boolean;
}

/**
 * Checks, when a key is named (remote add --key), that the file is there, readable and a private key
 * ssh2 can use, so the mistake shows now rather than at the first connection. Reads no passphrase:
 * an encrypted key is accepted as it is. Throws one line that names the file.
 */
export function checkPrivateKeyFile(path: string): KeyFileInfo {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new Error(describeFileError(error, path));
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    // Without a passphrase ssh2 stops before decrypting: cheap, and the key is otherwise well-formed.
    if (/no passphrase given/i.test(parsed.message)) return { encrypted: true };
    throw new Error(`${path} is not a private key ssh can use (${parsed.message.replace(/\.$/, '').toLowerCase()})`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key.isPrivateKey()) throw new Error(`${path} is a public key: give the private key file${path.endsWith('.pub') ? ` (${path.slice(0, -4)})` : ''}`);
  return { type: key.type, encrypted: false };
}
