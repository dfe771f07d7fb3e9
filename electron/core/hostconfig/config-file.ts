import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BurrowError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

/** The file's text, or '' when it does not exist yet. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new BurrowError(`cannot read ${path}: ${(error as Error).message}`, 'config');
  }
}

/** Parses a host's config; refuses anything Burrow could not rewrite without losing what a person wrote. */
export function parseConfigText(path: string, text: string): JsonObject {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const hint = /\/\/|\/\*/.test(text) ? ' (it has comments, which Burrow would lose)' : '';
    throw new BurrowError(
      `${path} is not valid JSON${hint}: ${(error as Error).message.split('\n')[0]}; fix or move it, then run this again (Burrow changed nothing)`,
      'config',
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BurrowError(`${path} does not hold a JSON object; fix or move it, then run this again (Burrow changed nothing)`, 'config');
  }
  return value as JsonObject;
}

/** Keeps the file's own indentation (two spaces when new or flat). */
export function detectIndent(text: string): string | number {
  const match = /^[{[][^\n]*\n([ \t]+)\S/.exec(text);
  return match ? match[1] : 2;
}

export function serializeConfig(value: JsonObject, previous: string): string {
  const eol = previous.includes('\r\n') ? '\r\n' : '\n';
  const text = `${JSON.stringify(value, null, detectIndent(previous))}\n`;
  return eol === '\n' ? text : text.replace(/\n/g, eol);
}

/** A symlinked config (dotfile managers) is written through, not replaced by a plain file. */
export function writeTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Copies the file beside itself as `NAME.burrow-backup-<UTC time>` and returns that path. */
export function backupFile(path: string, now = new Date()): string {
  let backup = join(dirname(path), `${basename(path)}.burrow-backup-${stamp(now)}`);
  for (let n = 2; existsQuiet(backup); n++) backup = join(dirname(path), `${basename(path)}.burrow-backup-${stamp(now)}-${n}`);
  copyFileSync(path, backup);
  return backup;
}

function existsQuiet(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a temp file in the same folder, flushes it, then renames it over the target: a host reading
 * the file at any moment sees the old or the new text, never half of one. Keeps the file's mode.
 */
export function writeFileAtomic(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  let mode = 0o600;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    // new file: private by default, it may hold env values
  }
  const temp = join(dir, `.${basename(path)}.burrow-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
