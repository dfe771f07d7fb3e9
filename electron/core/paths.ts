import { statSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { envDir } from './env-dir.js';
import { BurrowError } from './errors.js';
import { describeFileError, makeDir } from './file-errors.js';

/**
 * Where Burrow keeps settings, approvals and logs: $BURROW_HOME (made absolute: the helper an MCP host starts runs
 * in another folder), else the platform's config folder.
 */
export function burrowHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BURROW_HOME) return resolve(env.BURROW_HOME);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Burrow');
  if (process.platform === 'win32') return join(envDir(env.APPDATA) ?? join(homedir(), 'AppData', 'Roaming'), 'Burrow');
  return join(envDir(env.XDG_CONFIG_HOME) ?? join(homedir(), '.config'), 'burrow');
}

export function logDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(burrowHome(env), 'logs');
}

// node:crypto costs the helper ~2.5 MB and 3 ms at start; only a too-long socket path (or Windows) needs it.
const requireLazily = createRequire(import.meta.url);

function shortTag(text: string): string {
  const { createHash } = requireLazily('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

// sun_path is 104 bytes on macOS, 108 on Linux; stay under the smaller with room for the NUL.
const MAX_SOCKET_PATH = 100;

/**
 * A folder only this user can enter, for the socket and the token file.
 * $XDG_RUNTIME_DIR when Burrow's home is the default, else beside $BURROW_HOME,
 * falling back to a per-user folder in the temp dir when that path would be too long.
 */
export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = burrowHome(env);
  const xdgRuntime = envDir(env.XDG_RUNTIME_DIR);
  const preferred = !env.BURROW_HOME && xdgRuntime ? join(xdgRuntime, 'burrow') : join(home, 'run');
  if (process.platform === 'win32' || join(preferred, 'daemon.sock').length <= MAX_SOCKET_PATH) return preferred;
  return join(tmpdir(), `burrow-${userInfo().username}-${shortTag(home)}`);
}

export function socketPath(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\burrow-${userInfo().username}-${shortTag(burrowHome(env))}`;
  }
  return join(runtimeDir(env), 'daemon.sock');
}

export function tokenPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(runtimeDir(env), 'daemon.json');
}

/**
 * Creates Burrow's home 0700 (settings, approvals and logs say where a person connects to, and how).
 * An existing home is left as it is, but one that others can read or enter gets a one-line warning
 * (returned, for the caller's logger) naming the fix.
 */
export function ensureBurrowHome(home: string): string | undefined {
  try {
    makeDir(home, 0o700);
  } catch (error) {
    throw new BurrowError(`${describeFileError(error, home, "create Burrow's folder")}; set BURROW_HOME to a folder you can write`, 'config');
  }
  return homePrivacyWarning(home);
}

/** A warning line when Burrow's home is open to other users (group or others may read or enter it). */
export function homePrivacyWarning(home: string): string | undefined {
  if (process.platform === 'win32') return undefined;
  let mode: number;
  try {
    mode = statSync(home).mode;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  return `Burrow's folder ${home} can be read by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 700 ${home}`;
}

/** Creates the runtime folder 0700 and refuses one that someone else owns or can enter. */
export function ensurePrivateDir(dir: string): void {
  try {
    makeDir(dir, 0o700);
  } catch (error) {
    throw new BurrowError(`${describeFileError(error, dir, "create Burrow's runtime folder")}; set BURROW_HOME to a folder you can write`, 'config');
  }
  if (process.platform === 'win32') return;
  const st = statSync(dir);
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new Error(`${dir} belongs to another user; refusing to put Burrow's socket there`);
  }
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
