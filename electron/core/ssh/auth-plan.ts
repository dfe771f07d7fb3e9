import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { BurrowError } from '../errors.js';

export interface AuthOptions {
  /** Keys to offer, in order. Missing optional keys are skipped; a missing explicit key is an error. */
  identityFiles: { path: string; explicit: boolean }[];
  passphrase?: string;
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

/** Parses one private key; tells "needs a passphrase" from "wrong passphrase". */
export function parsePrivateKey(path: string, data: Buffer, passphrase?: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    const msg = parsed.message;
    if (/no passphrase given/i.test(msg)) {
      throw new BurrowError(`cannot use key ${displayPath(path)}: it needs a passphrase (--passphrase, or load it into ssh-agent)`, 'auth');
    }
    if (/bad passphrase|integrity check failed|decrypt/i.test(msg)) {
      throw new BurrowError(`cannot decrypt key ${displayPath(path)}: wrong passphrase`, 'auth');
    }
    throw new BurrowError(`cannot read key ${displayPath(path)}: ${msg}`, 'auth');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key.isPrivateKey()) throw new BurrowError(`${displayPath(path)} is a public key; give the private key file`, 'auth');
  return key;
}

export function buildAuthPlan(options: AuthOptions, warn: (message: string) => void): AuthPlan {
  const plan: AuthPlan = { keys: [], notes: [], password: options.password };
  for (const { path, explicit } of options.identityFiles) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (error) {
      if (explicit) throw new BurrowError(`cannot read key ${displayPath(path)}: ${(error as NodeJS.ErrnoException).code ?? error}`, 'auth');
      continue;
    }
    warnIfReadableByOthers(path, warn);
    try {
      plan.keys.push({ label: displayPath(path), key: parsePrivateKey(path, data, options.passphrase) });
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

function warnIfReadableByOthers(path: string, warn: (message: string) => void): void {
  if (process.platform === 'win32') return;
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) {
      warn(`UNPROTECTED PRIVATE KEY FILE: permissions 0${mode.toString(8)} for ${displayPath(path)} are too open; run chmod 600 ${path}`);
    }
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
