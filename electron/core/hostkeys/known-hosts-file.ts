import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BurrowError } from '../errors.js';
import { describeFileError, errorCode } from '../file-errors.js';
import { keyTypeOf, knownHostsName } from './fingerprint.js';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostsEntry {
  marker?: '@revoked' | '@cert-authority';
  hostPatterns: string;
  keyType: string;
  keyBlob: Buffer;
  comment: string;
  file: string;
  lineNumber: number;
}

export function parseKnownHosts(text: string, file: string): KnownHostsEntry[] {
  const entries: KnownHostsEntry[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m !== '@revoked' && m !== '@cert-authority') return; // unknown marker: OpenSSH skips the line too
      marker = m;
    }
    if (fields.length < 3) return;
    const [hostPatterns, keyType, base64] = fields;
    const keyBlob = Buffer.from(base64, 'base64');
    if (keyBlob.length === 0 || keyTypeOf(keyBlob) !== keyType) return;
    entries.push({ marker, hostPatterns, keyType, keyBlob, comment: fields.slice(3).join(' '), file, lineNumber: index + 1 });
  });
  return entries;
}

/**
 * A missing file (or a path below a file, where none can exist) holds no keys, as for OpenSSH.
 * Any other failure (a directory, no permission) is an error that names the file: treating an unreadable
 * file as empty would turn a known host into an unknown one.
 */
export function readKnownHostsFile(file: string): KnownHostsEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw new BurrowError(describeFileError(error, file, 'read known_hosts file'), 'host-key');
  }
  return parseKnownHosts(text, file);
}

/** Does this entry's host field name host:port, as OpenSSH matches it (hashed names, wildcards, negation)? */
export function entryMatchesHost(entry: KnownHostsEntry, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  const field = entry.hostPatterns;
  if (field.startsWith('|1|')) return hashedNameMatches(field, name);
  let matched = false;
  for (const pattern of field.split(',')) {
    const negated = pattern.startsWith('!');
    const p = negated ? pattern.slice(1) : pattern;
    if (wildcardMatch(p.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function hashedNameMatches(field: string, name: string): boolean {
  const [, , salt64, hash64] = field.split('|');
  if (!salt64 || !hash64) return false;
  const digest = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest('base64');
  return digest === hash64;
}

function wildcardMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === text;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(text);
}

/** A known_hosts line for an approved key, as `ssh-keyscan` would print it. */
export function formatKnownHostsLine(host: string, port: number, keyBlob: Buffer, comment = ''): string {
  const line = `${knownHostsName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
  return comment ? `${line} ${comment}` : line;
}
