import { existsSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envDir } from '../env-dir.js';
import { burrowHome } from '../paths.js';

/** How an MCP host starts `burrow connect`: the command, the arguments before `connect`, extra env. */
export interface Launcher {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface LauncherFacts {
  /** The running executable: node in development, the app (or its Helper) when packaged. */
  execPath: string;
  /** bin/burrow.js as this process sees it (inside app.asar when packaged). */
  scriptPath: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** process.versions.electron: set in the app and in its run-as-node mode. */
  electron?: string;
}

/**
 * Chooses the launcher written into host configs.
 *
 * Development: this repo's node and bin/burrow.js. Packaged: the app's own executable with
 * ELECTRON_RUN_AS_NODE=1 running bin/burrow.js from app.asar.unpacked — Electron is already a Node,
 * so no second runtime is shipped or signed (VS Code's `code` CLI works the same way). That needs
 * the runAsNode fuse left on (electron-builder.yml). On macOS the Helper binary runs it, so no
 * second dock icon appears. An AppImage is mounted at a new path on each run: there the stable
 * $APPIMAGE file runs a tiny bootstrap that finds the script beside its own executable.
 */
export function resolveLauncher(facts: LauncherFacts): Launcher {
  const pinnedHome = socketEnv(facts.env, facts.platform);
  if (!facts.electron) {
    return { command: facts.execPath, args: [facts.scriptPath], ...withEnv(pinnedHome) };
  }
  const env: Record<string, string> = { ELECTRON_RUN_AS_NODE: '1', ...pinnedHome };
  if (facts.platform === 'linux' && facts.env.APPIMAGE) {
    // argv[1] is a placeholder so burrow.js still reads its command from process.argv.slice(2).
    const bootstrap =
      "const p=require('node:path');import(require('node:url').pathToFileURL(p.join(p.dirname(process.execPath),'resources','app.asar.unpacked','bin','burrow.js')).href)";
    return { command: facts.env.APPIMAGE, args: ['-e', bootstrap, 'burrow'], env };
  }
  const script = unpackedPath(facts.scriptPath);
  return { command: macHelper(facts.execPath, facts.platform), args: [script], env };
}

/** The launcher for the process that runs this code (the CLI, the daemon or the app's main process). */
export function thisProcessLauncher(env: NodeJS.ProcessEnv = process.env): Launcher {
  const scriptPath = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'bin', 'burrow.js');
  return resolveLauncher({ execPath: process.execPath, scriptPath, platform: process.platform, env, electron: process.versions.electron });
}

/** The folder holding bin/burrow.js: up from dist/electron/core/hostconfig (built) or electron/core/hostconfig (source). */
function packageRoot(from: string): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'bin', 'burrow.js'))) return dir;
    dir = dirname(dir);
  }
  return join(from, '..', '..', '..', '..');
}

/**
 * The variables that decide where Burrow's socket is (electron/core/paths.ts), as this process sees them.
 * MCP hosts start servers with a small environment (the MCP SDK passes HOME, PATH, USER, SHELL, TERM,
 * LOGNAME): without these the helper would look for the engine somewhere else and start a second one.
 */
export function socketEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Record<string, string> {
  if (env.BURROW_HOME) return { BURROW_HOME: burrowHome(env) };
  const pinned: Record<string, string> = {};
  const configHome = envDir(env.XDG_CONFIG_HOME, platform);
  const runtime = envDir(env.XDG_RUNTIME_DIR, platform);
  if (platform === 'linux' && configHome) pinned.XDG_CONFIG_HOME = configHome;
  if (platform !== 'win32' && runtime) pinned.XDG_RUNTIME_DIR = runtime;
  return pinned;
}

function withEnv(env: Record<string, string>): { env?: Record<string, string> } {
  return Object.keys(env).length ? { env } : {};
}

/** Files that must be read by a plain Node resolver (the helper) live beside the asar, not in it. */
function unpackedPath(path: string): string {
  const marker = `${sep}app.asar${sep}`;
  return path.includes(marker) ? path.replace(marker, `${sep}app.asar.unpacked${sep}`) : path;
}

/** `…/Burrow.app/Contents/MacOS/Burrow` → `…/Burrow.app/Contents/Frameworks/Burrow Helper.app/Contents/MacOS/Burrow Helper`. */
export function macHelper(execPath: string, platform: NodeJS.Platform, exists: (p: string) => boolean = existsSync): string {
  if (platform !== 'darwin') return execPath;
  const match = /^(.*)\/Contents\/MacOS\/([^/]+)$/.exec(execPath);
  if (!match || match[2].endsWith(' Helper')) return execPath;
  const name = basename(match[2]);
  const helper = `${match[1]}/Contents/Frameworks/${name} Helper.app/Contents/MacOS/${name} Helper`;
  return exists(helper) ? helper : execPath;
}
