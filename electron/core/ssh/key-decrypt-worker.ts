/**
 * Worker thread: decrypts one passphrase-protected private key. bcrypt-pbkdf in ssh2 is synchronous
 * pure JS (0.3–2 s), so it runs here, never on the main thread. The answer is the same key,
 * unencrypted, in a text form ssh2 parses at once; it stays in memory and is never written anywhere.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import ssh2 from './ssh2-library.js';
import type { DecryptReply, DecryptRequest } from './key-decryption.js';

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** ssh2 hands an ed25519 key back as PKCS#8, which it cannot read again: rewrap it as an unencrypted openssh-key-v1. */
function ed25519ToOpenSsh(pkcs8Pem: string, comment: string): string {
  const jwk = createPrivateKey(pkcs8Pem).export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const pub = Buffer.from(jwk.x!, 'base64url');
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const padding = [];
  for (let i = 1; (priv.length + padding.length) % 8 !== 0; i++) padding.push(i);
  priv = Buffer.concat([priv, Buffer.from(padding)]);
  const nkeys = Buffer.alloc(4);
  nkeys.writeUInt32BE(1);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), nkeys, sshString(pubBlob), sshString(priv)]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function decrypt({ data, passphrase }: DecryptRequest): DecryptReply {
  const parsed = ssh2.utils.parseKey(Buffer.from(data), passphrase);
  if (parsed instanceof Error) {
    const msg = parsed.message;
    if (/no passphrase given/i.test(msg)) return { ok: false, reason: 'needs-passphrase', message: msg };
    if (/bad passphrase|integrity check failed|bad decrypt|decrypt/i.test(msg)) return { ok: false, reason: 'wrong-passphrase', message: msg };
    return { ok: false, reason: 'unreadable', message: msg };
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key.isPrivateKey()) return { ok: false, reason: 'unreadable', message: 'it is a public key' };
  const pem = key.getPrivatePEM();
  const text = key.type === 'ssh-ed25519' ? ed25519ToOpenSsh(pem, key.comment) : pem;
  return { ok: true, text };
}

let reply: DecryptReply;
try {
  reply = decrypt(workerData as DecryptRequest);
} catch (error) {
  // OpenSSL rejects a PEM decrypted with the wrong passphrase as garbage rather than a clean error.
  reply = { ok: false, reason: 'wrong-passphrase', message: (error as Error).message };
}
parentPort!.postMessage(reply);
