import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import ssh2 from './ssh2-library.js';
import type { ParsedKey } from 'ssh2';
import { BurrowError } from '../errors.js';
import { fileErrorReason } from '../file-errors.js';
import { decryptPrivateKey } from './key-decryption.js';

export interface AuthOptions {
  /** Keys to offer, in order. Missing optional keys are skipped; a missing explicit key is an error. */
  identityFiles: { path: string; explicit: boolean }[];
  passphrase?: string;
  /** Asked when a key needs a passphrase and none was given (a terminal, or the app); undefined skips the key. */
  askPassphrase?: (keyLabel: string) => Promise<string | undefined>;
  useAgent: boolean;
  agentSocket?: string;
  /** Asked only when keys and agent fail and the server accepts passwords. */
  password?: () => Promise<string | undefined>;
}

export interface AuthPlan {
  keys: { label: string; key: ParsedKey }[];
  agentSocket?: string;
  password?: () => Promise<string | undefined>;
  /** Keys that could not be used, said in the authentication error so a person knows why. */
  notes: string[];
}

export function displayPath(path: string): string {
  const home = homedir();
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

const needsPassphrase = (path: string) =>
  new BurrowError(`cannot use key ${displayPath(path)}: it needs a passphrase (--passphrase-file PATH or $BURROW_PASSPHRASE, or load it into ssh-agent with ssh-add)`, 'auth');
const wrongPassphrase = (path: string) => new BurrowError(`cannot decrypt key ${displayPath(path)}: wrong passphrase`, 'auth');

/**
 * Parses one private key; tells "needs a passphrase" from "wrong passphrase". An encrypted key is
 * decrypted in a worker thread (bcrypt-pbkdf is slow and synchronous); an unencrypted one here.
 */
export async function loadPrivateKey(
  path: string,
  data: Buffer,
  passphrase?: string,
  askPassphrase?: (keyLabel: string) => Promise<string | undefined>,
): Promise<ParsedKey> {
  // Without a passphrase ssh2 stops before any key derivation, so this is cheap even for encrypted keys.
  const plain = ssh2.utils.parseKey(data);
  if (!(plain instanceof Error)) return checkPrivate(path, Array.isArray(plain) ? plain[0] : plain);
  if (!/no passphrase given/i.test(plain.message)) throw new BurrowError(`cannot read key ${displayPath(path)}: ${plain.message}`, 'auth');
  const secret = passphrase ?? (await askPassphrase?.(displayPath(path)));
  if (secret === undefined || secret === '') throw needsPassphrase(path);
  const result = await decryptPrivateKey(data, secret);
  if ('key' in result) return checkPrivate(path, result.key);
  if (result.reason === 'wrong-passphrase') throw wrongPassphrase(path);
  if (result.reason === 'needs-passphrase') throw needsPassphrase(path);
  throw new BurrowError(`cannot read key ${displayPath(path)}: ${result.message}`, 'auth');
}

function checkPrivate(path: string, key: ParsedKey): ParsedKey {
  if (!key.isPrivateKey()) throw new BurrowError(`${displayPath(path)} is a public key; give the private key file`, 'auth');
  return key;
}

export async function buildAuthPlan(options: AuthOptions, warn: (message: string) => void): Promise<AuthPlan> {
  const plan: AuthPlan = { keys: [], notes: [], password: options.password };
  for (const { path, explicit } of options.identityFiles) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (error) {
      if (explicit) throw new BurrowError(`cannot read key ${displayPath(path)}: ${fileErrorReason(error)}`, 'auth');
      continue;
    }
    warnIfReadableByOthers(path, warn);
    try {
      plan.keys.push({ label: displayPath(path), key: await loadPrivateKey(path, data, options.passphrase, options.askPassphrase) });
    } catch (error) {
      // An explicit key that cannot be used is the person's mistake: say it now, not after the agent fails too.
      if (explicit) throw error;
      plan.notes.push((error as Error).message);
    }
  }
  const agentSocket = options.agentSocket ?? process.env.SSH_AUTH_SOCK;
  if (options.useAgent && agentSocket) plan.agentSocket = agentSocket;
  return plan;
}

/** OpenSSH's warning for a private key others can read (it then ignores the key; Burrow still offers it, as m2m does). */
export function unprotectedKeyWarning(path: string, mode: number): string | undefined {
  if (!(mode & 0o077)) return undefined;
  const octal = `0${(mode & 0o777).toString(8)}`;
  return `WARNING: UNPROTECTED PRIVATE KEY FILE! Permissions ${octal} for '${path}' are too open. It is required that your private key files are NOT accessible by others (chmod 600 ${path}).`;
}

function warnIfReadableByOthers(path: string, warn: (message: string) => void): void {
  if (process.platform === 'win32') return;
  try {
    const message = unprotectedKeyWarning(path, statSync(path).mode);
    if (message) warn(message);
  } catch {
    // unreadable stat: the read above already succeeded, nothing to add
  }
}

export function describeAuthAttempts(plan: AuthPlan): string {
  const tried = plan.keys.map((k) => `key ${k.label}`);
  if (plan.agentSocket) tried.push('ssh-agent');
  if (plan.password) tried.push('password');
  return tried.length ? tried.join(', ') : 'no keys';
}
