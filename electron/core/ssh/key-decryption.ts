import { Worker } from 'node:worker_threads';
import ssh2 from './ssh2-library.js';
import type { ParsedKey } from 'ssh2';

export interface DecryptRequest {
  data: Uint8Array;
  passphrase: string;
}

export type DecryptReply =
  | { ok: true; text: string }
  | { ok: false; reason: 'needs-passphrase' | 'wrong-passphrase' | 'unreadable'; message: string };

export type KeyDecryptFailure = Exclude<DecryptReply, { ok: true }>;

/**
 * Decrypts a passphrase-protected private key in a worker thread, so the tray app's main thread
 * (and the relay of every other session) keeps running during bcrypt-pbkdf.
 */
export function decryptPrivateKey(data: Buffer, passphrase: string): Promise<{ key: ParsedKey } | KeyDecryptFailure> {
  return new Promise((resolve, reject) => {
    const request: DecryptRequest = { data: new Uint8Array(data), passphrase };
    const worker = new Worker(new URL('./key-decrypt-worker.js', import.meta.url), { workerData: request });
    worker.once('message', (reply: DecryptReply) => {
      if (!reply.ok) return resolve(reply);
      const parsed = ssh2.utils.parseKey(reply.text);
      if (parsed instanceof Error) return resolve({ ok: false, reason: 'unreadable', message: parsed.message });
      resolve({ key: Array.isArray(parsed) ? parsed[0] : parsed });
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the key decryption worker stopped with code ${code}`));
    });
  });
}
