import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { oneLine } from './errors.js';

/**
 * Turns a file-system error into one line a person can act on, naming the path:
 * `describeFileError(e, '/x/known_hosts', 'read the known_hosts file')` →
 * "cannot read the known_hosts file /x/known_hosts: it is a directory".
 * `verb` says what Burrow tried ("read the settings file", "create Burrow's folder").
 */
export function describeFileError(error: unknown, path: string, verb?: string): string {
  if (verb) return `cannot ${verb} ${path}: ${fileErrorReason(error, path)}`;
  // A file the person named (a key, a passphrase file): "no such file: /x", "/x is a folder, not a file".
  switch (errorCode(error)) {
    case 'ENOENT':
      return `no such file: ${path}`;
    case 'ENOTDIR':
      return `no such file: ${path} (a part of the path is not a folder)`;
    case 'EISDIR':
      return `${path} is a folder, not a file`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    default:
      return `${fileErrorReason(error)}: ${path}`;
  }
}

/**
 * The reason alone, in words (no errno codes), for messages that phrase the rest themselves. With the path,
 * a missing file says which part of the path is missing or in the way.
 */
export function fileErrorReason(error: unknown, path?: string): string {
  switch (errorCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return path ? missingReason(path) : 'no such file';
    case 'EISDIR':
      return 'it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (check the owner and mode of it and of its folders)';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EEXIST':
      return 'something else exists at that path';
    case 'ELOOP':
      return 'too many symbolic links (a link loop?)';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      // Not a file-system error we know: keep Node's text, minus the "CODE: " prefix it starts with.
      return oneLine(error).replace(/^E[A-Z]+: /, '').replace(/, \w+ '[^']*'$/, '');
  }
}

export function errorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * ENOENT and ENOTDIR say only "something on the way is missing or wrong": find which part.
 * The nearest part of the path that exists is either a file (so nothing can live below it) or a folder.
 */
function missingReason(path: string): string {
  let probe = path;
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(probe).isDirectory();
    } catch {
      // Missing (or unreadable): look one level up.
    }
    if (isDir === false) return probe === path ? 'it is a file, not a folder' : `${probe} is a file, not a folder`;
    if (isDir === true) {
      if (probe === path) return 'it does not exist';
      return probe === dirname(path) ? 'it does not exist' : `its folder ${dirname(path)} does not exist`;
    }
    const up = dirname(probe);
    if (up === probe) return 'it does not exist';
    probe = up;
  }
}

/**
 * `mkdir -p` with `mode` on every folder it creates, one level at a time, because Node's recursive
 * mkdir reports a read-only or forbidden parent as ENOENT. Throws the real error of the level that failed,
 * and an ENOTDIR error when something that is not a folder is in the way.
 */
export function makeDir(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  let probe = dir;
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(probe).isDirectory();
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    if (isDir === false) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', path: dir });
    if (isDir === true) break;
    missing.unshift(probe);
    const up = dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      // Another process made it meanwhile: fine.
      if (errorCode(error) !== 'EEXIST' || !statSync(level).isDirectory()) throw error;
    }
  }
}
