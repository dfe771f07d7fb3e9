import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerChannel } from 'ssh2';
import ssh2 from '../ssh/ssh2-library.js';
import type { Remote } from '../../../shared/remote.js';
import { BurrowError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { generateKeyFile } from '../ssh/key-generator.js';

export const DEMO_REMOTE_NAME = 'demo';
/** The only user name the embedded server lets in with the demo key. */
export const DEMO_USER = 'demo';
export const DEMO_KEY_FILE = 'demo_ed25519';
/** What the demo remote's exec channel asks for; the embedded server runs the demo server for it (and for a shell). */
export const DEMO_COMMAND = 'burrow-demo';

const here = fileURLToPath(import.meta.url);
/**
 * The demo server script, built next to this file (dist/electron/core/demo/demo-server.js). Loaded from the
 * TypeScript sources (vitest), this module points at the built script, since Node cannot run the .ts one.
 */
export const DEMO_SERVER_SCRIPT = here.endsWith('.ts')
  ? join(dirname(here), '..', '..', '..', 'dist', 'electron', 'core', 'demo', 'demo-server.js')
  : join(dirname(here), 'demo-server.js');

export interface DemoKey {
  path: string;
  /** The public key blob the embedded server accepts for user `demo`. */
  blob: Buffer;
}

/** The demo remote's client key in Burrow's home: generated once (ed25519, 0600). */
export function ensureDemoKey(home: string): DemoKey {
  const path = join(home, DEMO_KEY_FILE);
  if (!existsSync(path)) generateKeyFile(path, 'burrow-demo');
  const parsed = ssh2.utils.parseKey(readFileSync(`${path}.pub`));
  if (parsed instanceof Error) throw new Error(`cannot read the demo key ${path}.pub: ${parsed.message}; delete ${path} and ${path}.pub and a new pair is made`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return { path, blob: key.getPublicSSH() };
}

/** What ensureDemoRemote needs of the embedded server. */
export interface DemoServerInfo {
  port: number;
  demoKeyPath: string;
}

function isOurs(remote: Remote, demoKeyPath: string): boolean {
  return remote.user === DEMO_USER && remote.host === '127.0.0.1' && remote.identityFiles.length === 1 && remote.identityFiles[0] === demoKeyPath;
}

/**
 * Saves (or updates to the server's current port) the remote `demo`: 127.0.0.1, user demo, the demo key, exec
 * `burrow-demo`, host-key policy ask like any remote. Refuses to overwrite a person's own remote named "demo".
 */
export function ensureDemoRemote(settings: SettingsStore, server: DemoServerInfo): Remote {
  const wanted: Remote = {
    name: DEMO_REMOTE_NAME,
    host: '127.0.0.1',
    port: server.port,
    user: DEMO_USER,
    identityFiles: [server.demoKeyPath],
    useAgent: false,
    usePassword: false,
    mode: 'exec',
    command: DEMO_COMMAND,
    hostKeyPolicy: 'ask',
  };
  const existing = settings.getRemote(DEMO_REMOTE_NAME);
  if (existing && !isOurs(existing, server.demoKeyPath)) {
    throw new BurrowError(`a remote named "${DEMO_REMOTE_NAME}" exists already and is not Burrow's demo; the demo was not added`, 'config');
  }
  if (existing && existing.port === server.port && existing.mode === 'exec' && existing.command === DEMO_COMMAND) return existing;
  return settings.saveRemote(wanted, { replace: !!existing });
}

/** Removes the demo remote (only Burrow's own). Returns whether it was there. */
export function removeDemoRemote(settings: SettingsStore, demoKeyPath: string): boolean {
  const existing = settings.getRemote(DEMO_REMOTE_NAME);
  if (!existing || !isOurs(existing, demoKeyPath)) return false;
  return settings.removeRemote(DEMO_REMOTE_NAME);
}

/** The port a saved demo remote uses, so a restart listens there again and its approved host key still matches. */
export function savedDemoPort(settings: SettingsStore, demoKeyPath: string): number | undefined {
  const existing = settings.getRemote(DEMO_REMOTE_NAME);
  return existing && isOurs(existing, demoKeyPath) ? existing.port : undefined;
}

/**
 * Runs the demo MCP server for one session channel: the channel's bytes to its stdin, its stdout back, its stderr to
 * the channel's stderr, and its exit status to the client. The channel's EOF ends the server's stdin.
 */
export function runDemoServer(channel: ServerChannel, logger: Logger): void {
  if (!existsSync(DEMO_SERVER_SCRIPT)) {
    logger.warn(`the demo server ${DEMO_SERVER_SCRIPT} is missing`);
    channel.stderr.write(`burrow demo: the demo server ${DEMO_SERVER_SCRIPT} is missing (npm run build makes it)\n`);
    channel.exit(127);
    channel.end();
    return;
  }
  // In the packaged app process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node (and is ignored by Node).
  const child = spawn(process.execPath, [DEMO_SERVER_SCRIPT], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.pipe(channel, { end: false });
  child.stderr.pipe(channel.stderr, { end: false });
  channel.pipe(child.stdin);
  child.stdin.on('error', () => {});
  child.once('error', (error) => {
    logger.warn(`demo server could not start: ${error.message}`);
    channel.stderr.write(`burrow demo: cannot start the demo server: ${error.message}\n`);
    channel.exit(127);
    channel.end();
  });
  child.once('close', (code, signal) => {
    if (signal) channel.exit(signal.replace(/^SIG/, ''), false, '');
    else channel.exit(code ?? 0);
    channel.end();
  });
  // The client went away without EOF: do not leave the server behind.
  channel.once('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
}
