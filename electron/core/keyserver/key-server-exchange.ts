import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ParsedKey } from 'ssh2';
import type { HostKeySource } from '../../../shared/approvals.js';
import { BurrowError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { generateKeyFile } from '../ssh/key-generator.js';
import type { HostKeyDecision } from '../ssh/ssh-connection.js';
import { fetchServerKey, registerClientKey, type ServerKey } from './key-server-client.js';

/** m2m-mcp-server-ssh-client's client key: Burrow uses (and makes) the same one, so a switch needs no new registration. */
export const M2M_DEFAULT_KEY = join(homedir(), '.ssh', 'm2m_mcp_server_ssh_client');

/**
 * The key server registers whatever key we send: make one first if the file is missing, as m2m does.
 * With `keyServer`, only once it answers: a wrong host or port must not leave a new key behind.
 * Returns what the key server served when it was asked here, for exchangeWithKeyServer to use
 * rather than ask twice.
 */
export async function ensureClientKey(path: string, logger: Logger, keyServer?: { host: string; port: number }): Promise<ServerKey | undefined> {
  if (existsSync(path)) return undefined;
  const served = keyServer ? await fetchServerKey(keyServer.host, keyServer.port, (why) => logger.info(`key server over HTTPS: ${why}; trying plain HTTP on port ${keyServer.port}`)) : undefined;
  generateKeyFile(path);
  logger.warn(`generated a new client key ${path} (ed25519) to register with the key server`);
  return served;
}

/** `type base64 [comment]`, as it goes into authorized_keys. */
export function publicKeyLine(key: ParsedKey): string {
  const line = `${key.type} ${key.getPublicSSH().toString('base64')}`;
  return key.comment ? `${line} ${key.comment}` : line;
}

export interface KeyServerExchange {
  host: string;
  keyServerPort: number;
  clientPublicKey: string;
  /** The host-key verifier of the connection: the served key goes through the same policy and store. */
  verify: (keyBlob: Buffer, source: HostKeySource) => Promise<HostKeyDecision>;
  logger: Logger;
  /** The server's key as ensureClientKey fetched it moments ago, if it did: not fetched again. */
  served?: ServerKey;
}

/**
 * The m2m key-server step before SSH: fetch the server's key, treat it as a candidate (verified,
 * or pinned on first use, or shown for approval), then register our public key.
 * Returns the accepted key: the SSH handshake must then present exactly it, or a key already trusted.
 */
export async function exchangeWithKeyServer(x: KeyServerExchange): Promise<Buffer> {
  const served = x.served ?? (await fetchServerKey(x.host, x.keyServerPort, (why) => x.logger.info(`key server over HTTPS: ${why}; trying plain HTTP on port ${x.keyServerPort}`)));
  if (served.source === 'key-server-http') x.logger.info(`fetched the server's key over plain HTTP from ${served.baseUrl}; it is pinned, so a later change is refused`);
  let decision = await x.verify(served.keyBlob, served.source);
  // No SSH handshake is open yet: a person may take their time.
  if (!decision.ok && decision.askAfterClose) decision = await decision.askAfterClose();
  if (!decision.ok) throw new BurrowError(decision.message, 'host-key');
  await registerClientKey(served, x.clientPublicKey);
  x.logger.info(`registered the client key with the key server at ${served.baseUrl}`);
  return served.keyBlob;
}
