import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { commandLine, descendants, environment, recordPid, tempDir } from './run-state.js';
import { acceptsConnections } from './port-probe.js';
import { sshTestUser } from './test-user.js';
import { waitFor } from './wait-for.js';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const EVERYTHING_SERVER = join(REPO, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
/** The command sshd forces for the test key: a real MCP server over stdio. */
export const EVERYTHING_COMMAND = `${process.execPath} ${EVERYTHING_SERVER} stdio`;
/** The MCP server's own process (node running server-everything), not a shell that wraps it. */
const MCP_SERVER_PROCESS = new RegExp(`^${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\S*server-everything`);

export interface SshdOptions {
  /** Forced for the client key; undefined lets the client choose (exec requests run as asked). */
  forcedCommand?: string | null;
  /** Extra sshd_config lines (e.g. PasswordAuthentication yes). */
  extraConfig?: string[];
  /** Public key lines to authorize besides the generated client key (without the forced command). */
  extraAuthorizedKeys?: string[];
  port?: number;
  dir?: string;
  /** The account clients log in as; sessions run as it. Default: the unprivileged test user (test-user.ts). */
  user?: string;
}

/** A process a session started on the server (the forced command, say), with the environment it got. */
export interface RemoteProcess {
  pid: number;
  command: string;
  env: Record<string, string>;
}

export interface SshdFixture {
  port: number;
  /** The user to log in as (`--user` / `--username`): `burrowtest` as root, else the current user. */
  user: string;
  dir: string;
  /** Private key the server authorizes (ed25519, no passphrase). */
  clientKey: string;
  hostKeyFile: string;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` */
  knownHostsLine: string;
  /** A known_hosts file that holds exactly this server's key. */
  knownHostsFile: string;
  /** An empty known_hosts file (nothing known yet). */
  emptyKnownHostsFile: string;
  logFile: string;
  /** `Accepted publickey` (or password) lines in sshd's log: one per SSH login. */
  acceptedLogins(): number;
  log(): string;
  stop(): void;
  /** Starts sshd again on the same port with the same keys (after stop). */
  restart(): Promise<void>;
  /** Kills every live SSH connection (sshd's per-connection processes), leaving the listener up. */
  dropConnections(): number;
  /** Live processes under sshd whose command line matches (default: the MCP server), e.g. a warm spare's. */
  remoteProcesses(match?: RegExp): RemoteProcess[];
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePort(port));
    });
  });
}

export function keygen(path: string, type = 'ed25519', passphrase = '', extra: string[] = []): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-f', path, '-C', 'burrow-test', ...extra]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

export function sshdAvailable(): boolean {
  return existsSync('/usr/sbin/sshd') && spawnSync('ssh-keygen', ['-?']).error === undefined;
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  mkdirSync('/run/sshd', { recursive: true });
  // sshd reads authorized_keys as the user who logs in (StrictModes no spares the owner checks, not the read).
  const dir = options.dir ?? tempDir('burrow-sshd', true);
  chmodSync(dir, 0o755);
  const user = options.user ?? sshTestUser().name;
  const port = options.port ?? (await freePort());
  const hostKeyFile = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'client_ed25519');
  if (!existsSync(hostKeyFile)) keygen(hostKeyFile);
  const clientPub = existsSync(clientKey) ? readFileSync(`${clientKey}.pub`, 'utf8').trim() : keygen(clientKey);
  const forced = options.forcedCommand === undefined ? EVERYTHING_COMMAND : options.forcedCommand;
  const authorized = [forced ? `command="${forced}",no-pty ${clientPub}` : clientPub, ...(options.extraAuthorizedKeys ?? [])];
  writeFileSync(join(dir, 'authorized_keys'), `${authorized.join('\n')}\n`, { mode: 0o644 });
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  const logFile = join(dir, 'sshd.log');
  const pidFile = join(dir, 'sshd.pid');
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyFile}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'StrictModes no',
      'UsePAM no',
      `PidFile ${pidFile}`,
      // Tests log in as the test user: a test that still says root fails at once instead of running root's rc files.
      `PermitRootLogin ${user === 'root' ? 'yes' : 'no'}`,
      'LogLevel VERBOSE',
      ...(options.extraConfig ?? []),
    ].join('\n') + '\n',
  );
  const hostPub = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHostsLine = `[127.0.0.1]:${port} ${hostPub}`;
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `${knownHostsLine}\n`);
  const emptyKnownHostsFile = join(dir, 'known_hosts.empty');
  writeFileSync(emptyKnownHostsFile, '');

  const masterPid = () => Number(readFileSync(pidFile, 'utf8').trim());
  const launch = async () => {
    execFileSync('/usr/sbin/sshd', ['-f', config, '-E', logFile]);
    await waitForPort(port);
    // The file exists a moment before it holds the pid: an empty read would record pid 0 (nothing to end).
    await waitFor(() => existsSync(pidFile) && masterPid() > 0, 10_000, () => `sshd on ${port} wrote no pid to ${pidFile}`);
    recordPid(masterPid(), `sshd:${port}`);
  };
  await launch();
  const stop = () => {
    try {
      process.kill(masterPid(), 'SIGTERM');
    } catch {
      // already stopped
    }
    rmSync(pidFile, { force: true });
  };
  return {
    port,
    user,
    dir,
    clientKey,
    hostKeyFile,
    knownHostsLine,
    knownHostsFile,
    emptyKnownHostsFile,
    logFile,
    acceptedLogins: () => (readLog(logFile).match(/Accepted (publickey|password) for/g) ?? []).length,
    log: () => readLog(logFile),
    stop,
    restart: launch,
    dropConnections: () => {
      const victims = descendants(masterPid());
      for (const pid of victims) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      return victims.length;
    },
    remoteProcesses: (match = MCP_SERVER_PROCESS) => {
      if (!existsSync(pidFile)) return [];
      return descendants(masterPid())
        .map((pid) => ({ pid, command: commandLine(pid), env: environment(pid) }))
        .filter((p) => match.test(p.command));
    },
  };
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function waitForPort(port: number): Promise<void> {
  await waitFor(() => acceptsConnections(port), 10_000, () => `sshd did not listen on ${port}`, 50);
}
