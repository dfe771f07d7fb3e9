import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';

/** Calls an ssh2 SFTP method that takes a callback as its last argument. */
function call<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** SFTP errors as one line a person reads: `no such file: /x` rather than `No such file`. */
export function sftpError(error: unknown, path: string): Error {
  const e = error as { code?: number; message?: string };
  const text = e.code === 2 ? `no such file: ${path}` : e.code === 3 ? `permission denied: ${path}` : `${path}: ${e.message ?? String(error)}`;
  return new Error(text);
}

const statOf = (sftp: SFTPWrapper, path: string) => call<Stats>((cb) => sftp.stat(path, cb));

/** The path the server resolves (symlinks followed); for a file not there yet, its folder's real path plus its name. */
export async function resolveRemote(sftp: SFTPWrapper, path: string): Promise<string> {
  try {
    return await call<string>((cb) => sftp.realpath(path, cb));
  } catch {
    try {
      const dir = await call<string>((cb) => sftp.realpath(posix.dirname(path), cb));
      return posix.join(dir, posix.basename(path));
    } catch {
      return path;
    }
  }
}

export async function readRemoteText(sftp: SFTPWrapper, path: string, maxBytes: number): Promise<{ content: string; size: number; truncated: boolean }> {
  let size: number;
  try {
    const st = await statOf(sftp, path);
    if (st.isDirectory()) throw new Error(`${path} is a folder: use ssh_list_remote_dir`);
    size = st.size;
  } catch (error) {
    throw error instanceof Error && error.message.includes('is a folder') ? error : sftpError(error, path);
  }
  const chunks: Buffer[] = [];
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    const stream = sftp.createReadStream(path, { start: 0, end: Math.max(0, Math.min(size, maxBytes) - 1) });
    stream.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
    });
    stream.once('error', (e: Error) => reject(sftpError(e, path)));
    stream.once('close', () => resolve());
  });
  const bytes = Buffer.concat(chunks).subarray(0, size === 0 ? 0 : undefined);
  if (bytes.includes(0)) throw new Error(`${path} is binary: use ssh_download_file`);
  return { content: bytes.toString('utf8'), size, truncated: got < size };
}

/**
 * Writes (or appends to) a remote file atomically: the new content goes to a temporary file beside it, which then
 * replaces the file in one rename (OpenSSH's posix-rename), keeping the old file's mode. Readers see the old or the
 * new file, never half of one.
 */
export async function writeRemoteAtomic(sftp: SFTPWrapper, path: string, content: Buffer, append: boolean): Promise<{ bytes: number }> {
  let mode = 0o644;
  let exists = false;
  try {
    const st = await statOf(sftp, path);
    if (st.isDirectory()) throw new Error(`${path} is a folder`);
    mode = st.mode & 0o7777;
    exists = true;
  } catch (error) {
    if (error instanceof Error && error.message.endsWith('is a folder')) throw error;
  }
  const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.burrow-${randomBytes(4).toString('hex')}.tmp`);
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = sftp.createWriteStream(tmp, { mode });
      out.once('error', (e: Error) => reject(sftpError(e, tmp)));
      out.once('close', () => resolve());
      const finish = () => {
        total += content.length;
        out.end(content);
      };
      if (!(append && exists)) return finish();
      const old = sftp.createReadStream(path);
      old.on('data', (d: Buffer) => {
        total += d.length;
      });
      old.once('error', (e: Error) => reject(sftpError(e, path)));
      old.once('end', finish);
      old.pipe(out, { end: false });
    });
    // The write stream's open used the umask; set the old file's mode exactly.
    await call<void>((cb) => sftp.chmod(tmp, mode, cb as never));
    await renameOver(sftp, tmp, path);
  } catch (error) {
    await call<void>((cb) => sftp.unlink(tmp, cb as never)).catch(() => undefined);
    throw error;
  }
  return { bytes: total };
}

async function renameOver(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call<void>((cb) => sftp.ext_openssh_rename(from, to, cb as never));
  } catch (error) {
    throw sftpError(error, to);
  }
}

export interface DirEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  size: number;
  mode: string;
  mtime: string;
}

export async function listRemoteDir(sftp: SFTPWrapper, path: string): Promise<DirEntry[]> {
  let list;
  try {
    list = await call<{ filename: string; attrs: Stats }[]>((cb) => sftp.readdir(path, cb as never));
  } catch (error) {
    throw sftpError(error, path);
  }
  return list
    .map(({ filename, attrs }) => ({
      name: filename,
      type: fileType(attrs.mode),
      size: attrs.size,
      mode: (attrs.mode & 0o7777).toString(8).padStart(4, '0'),
      mtime: new Date(attrs.mtime * 1000).toISOString(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function fileType(mode: number): DirEntry['type'] {
  const kind = mode & 0o170000;
  return kind === 0o040000 ? 'dir' : kind === 0o100000 ? 'file' : kind === 0o120000 ? 'symlink' : 'other';
}

export function requireLocalAbsolute(path: string): void {
  if (!isAbsolute(path)) throw new Error(`local_path must be absolute: ${path}`);
}

/** SHA-256 of a local file, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}

/** Uploads any size (ssh2's parallel fastPut) to a temporary name, then renames it over the target. */
export async function uploadFile(sftp: SFTPWrapper, localPath: string, remotePath: string): Promise<{ bytes: number; sha256: string }> {
  requireLocalAbsolute(localPath);
  const local = await stat(localPath).catch(() => {
    throw new Error(`no such local file: ${localPath}`);
  });
  if (!local.isFile()) throw new Error(`not a regular file: ${localPath}`);
  const sha256 = await sha256File(localPath);
  const tmp = posix.join(posix.dirname(remotePath), `.${posix.basename(remotePath)}.burrow-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await call<void>((cb) => sftp.fastPut(localPath, tmp, cb as never));
    await renameOver(sftp, tmp, remotePath);
  } catch (error) {
    await call<void>((cb) => sftp.unlink(tmp, cb as never)).catch(() => undefined);
    throw sftpError(error, remotePath);
  }
  return { bytes: local.size, sha256 };
}

/** Downloads any size to a temporary file beside the target, then renames it into place. */
export async function downloadFile(sftp: SFTPWrapper, remotePath: string, localPath: string): Promise<{ bytes: number; sha256: string }> {
  requireLocalAbsolute(localPath);
  const tmp = join(dirname(localPath), `.${basename(localPath)}.burrow-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await call<void>((cb) => sftp.fastGet(remotePath, tmp, cb as never));
    await rename(tmp, localPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw sftpError(error, remotePath);
  }
  const bytes = (await stat(localPath)).size;
  return { bytes, sha256: await sha256File(localPath) };
}
