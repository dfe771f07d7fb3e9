import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BurrowError } from '../errors.js';

/** The file's text, or '' when it does not exist yet. */
export function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new BurrowError(`cannot read ${path}: ${(error as Error).message}`, 'config');
  }
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

/** How many `….burrow-backup-*` copies stay beside a config: enough to undo the last few writes, not a pile. */
export const BACKUPS_KEPT = 3;

/**
 * Removes all but the newest `keep` backups of `path`. Their names sort by time (the UTC stamp, then
 * the -N of a second backup within the same second). Returns the removed paths.
 */
export function pruneBackups(path: string, keep = BACKUPS_KEPT): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.burrow-backup-`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  const order = (n: string): [string, number] => {
    const m = /^(.*?)(?:-(\d+))?$/.exec(n.slice(prefix.length))!;
    return [m[1], m[2] ? Number(m[2]) : 1];
  };
  names.sort((a, b) => {
    const [sa, na] = order(a);
    const [sb, nb] = order(b);
    return sa < sb ? -1 : sa > sb ? 1 : na - nb;
  });
  const old = names.slice(0, Math.max(0, names.length - keep)).map((n) => join(dir, n));
  for (const p of old) rmSync(p, { force: true });
  return old;
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
