import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ssh2 from '../ssh/ssh2-library.js';
import { sha256Fingerprint } from '../hostkeys/fingerprint.js';
import { generateEd25519Pair } from '../ssh/key-generator.js';

export const SERVER_HOST_KEY_FILE = 'server_host_ed25519';

export interface ServerHostKey {
  /** The private key in OpenSSH format, for ssh2's `Server({ hostKeys })`. */
  privateKey: Buffer;
  /** `ssh-ed25519 AAAA…`, what a device puts in its known_hosts. */
  publicLine: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it, for people to compare and devices to pin. */
  fingerprint: string;
  path: string;
}

/**
 * The embedded server's host key: generated once (ed25519, 0600) in Burrow's home and kept, so devices that
 * pinned it keep trusting it across restarts.
 */
export function loadOrCreateServerHostKey(home: string): ServerHostKey {
  const path = join(home, SERVER_HOST_KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const pair = generateEd25519Pair('burrow-server');
    writeFileSync(path, pair.private, { mode: 0o600, flag: 'wx' });
    writeFileSync(`${path}.pub`, `${pair.public}\n`, { mode: 0o644 });
  } else if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    // A host key others can read lets them impersonate this server: tighten it rather than refuse to start.
    chmodSync(path, 0o600);
  }
  const privateKey = readFileSync(path);
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`cannot read Burrow's server host key ${path}: ${parsed.message}; move it away and a new one is made`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  const blob = key.getPublicSSH();
  return { privateKey, publicLine: `${key.type} ${blob.toString('base64')}`, fingerprint: sha256Fingerprint(blob), path };
}
