import { parseCommandArgs, parseHostFlag, parsePort } from './cli-args.js';

export const CONNECT_HELP = `usage: burrow connect --remote NAME [--approval-timeout SECONDS] [--log-level LEVEL]
       burrow connect --tools [--remote NAME]... [--log-level LEVEL]
       burrow connect --host [USER@]HOST[:PORT] [--port 8022] [--username mcp] [--client-key PATH]... [--known-hosts PATH]
                      [--passphrase-file PATH | --passphrase P] [--disable-host-key-checking] [--use-key-server] [--key-server-port 8000]
                      [--command CMD] [--host-key-policy strict|accept-new|ask] [--approval-timeout SECONDS]
                      [--agent | --no-agent] [--password] [--no-resume] [--log-level LEVEL]

Speaks MCP on stdin/stdout and relays it to the MCP server at the other end of SSH.
With --tools it serves Burrow's built-in SSH tools (exec, shells, SFTP, forwards; risky steps asked of a
person in Burrow) for the named remotes, or for every remote saved with --tools.
With --host it takes m2m-mcp-server-ssh-client's flags and needs nothing else running;
it asks for a shell (as m2m servers expect) unless --command starts the server with exec.
--client-key may be given more than once: keys are offered in order, then ssh-agent ($SSH_AUTH_SOCK).
A key that needs a passphrase, a password (--password) and an "ask" host key are asked on the
terminal (/dev/tty) when there is one; BURROW_PASSWORD supplies the password without a terminal.

The passphrase of --client-key, without a terminal: --passphrase-file PATH (its first line; keep the
file 0600) or the BURROW_PASSPHRASE environment variable. --passphrase P works as in m2m but is
visible to other local users (ps, /proc) until Burrow hides it from its process title a moment after
start, and stays in shell history and in the MCP host's config: prefer the other two.
Defaults: --port 8022, --username mcp, --client-key ~/.ssh/m2m_mcp_server_ssh_client (made if
missing), --known-hosts ~/.ssh/known_hosts, --host-key-policy strict, --key-server-port 8000.
A session outlives a dropped connection or a crashed server (a fresh server, the host's initialize replayed);
--no-resume ends it with the error instead.`;

/** The options both ways of connecting share, already checked. */
export interface ConnectOptions {
  remote?: string;
  host?: string;
  port: number;
  username: string;
  clientKey?: string;
  /** Every --client-key, in order (clientKey is the first). */
  clientKeys: string[];
  useAgent: boolean;
  usePassword: boolean;
  knownHosts?: string;
  /** --passphrase: visible in ps; hidden from the process title as soon as it is read. */
  passphrase?: string;
  /** --passphrase-file: the first line of this file is the passphrase. */
  passphraseFile?: string;
  disableHostKeyChecking: boolean;
  useKeyServer: boolean;
  keyServerPort: number;
  command?: string;
  hostKeyPolicy?: string;
  logLevel: string;
  approvalTimeoutSec?: number;
  /** False: a drop ends the session (`--no-resume`). */
  resume?: boolean;
}

/** What `connect --remote NAME` takes besides the name; every other flag belongs to `--host`. */
const FLAGS_WITH_REMOTE = new Set(['remote', 'log-level', 'approval-timeout', 'help']);

export function parseConnectArgs(args: string[]): ConnectOptions | 'help' {
  const { values } = parseCommandArgs('connect', args, {
    remote: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    username: { type: 'string' },
    user: { type: 'string' },
    'client-key': { type: 'string', multiple: true },
    agent: { type: 'boolean' },
    'no-agent': { type: 'boolean' },
    password: { type: 'boolean' },
    'known-hosts': { type: 'string' },
    passphrase: { type: 'string' },
    'passphrase-file': { type: 'string' },
    'disable-host-key-checking': { type: 'boolean' },
    'use-key-server': { type: 'boolean' },
    'key-server-port': { type: 'string' },
    command: { type: 'string' },
    'host-key-policy': { type: 'string' },
    'approval-timeout': { type: 'string' },
    'log-level': { type: 'string' },
    'no-resume': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help) return 'help';
  if (!values.remote && !values.host) throw new Error('connect: give --remote NAME (a saved remote) or --host HOST (see burrow connect --help)');
  if (values.remote && values.host) throw new Error('connect: give either --remote or --host, not both');
  if (values.passphrase !== undefined && values['passphrase-file'] !== undefined) throw new Error('connect: give --passphrase-file or --passphrase, not both');
  if (values.remote) {
    // Flags of the m2m way would be ignored with a saved remote: say so rather than seem to obey them.
    const hostOnly = Object.keys(values).filter((k) => !FLAGS_WITH_REMOTE.has(k));
    if (hostOnly.some((k) => k.startsWith('passphrase'))) {
      throw new Error('connect: --passphrase and --passphrase-file go with --host; a saved remote asks for its passphrase in Burrow (burrow secrets enter)');
    }
    if (hostOnly.length > 0) {
      throw new Error(`connect: ${hostOnly.map((k) => `--${k}`).join(', ')} ${hostOnly.length > 1 ? 'go' : 'goes'} with --host; a saved remote uses its own settings (change them with burrow remote add ${values.remote} … --replace)`);
    }
  }
  if (values.agent && values['no-agent']) throw new Error('connect: give --agent or --no-agent, not both');
  const userFlag = values.username !== undefined ? '--username' : values.user !== undefined ? '--user' : undefined;
  // As ssh takes it: --host me@box:2222 is --host box --username me --port 2222 (m2m's plain host works as before).
  const address = values.host === undefined ? undefined : parseHostFlag('connect', values.host, userFlag, values.port !== undefined);
  const timeout = values['approval-timeout'] === undefined ? undefined : Number(values['approval-timeout']);
  if (timeout !== undefined && !(timeout > 0)) throw new Error('connect: --approval-timeout takes seconds, a number above 0');
  return {
    remote: values.remote,
    host: address?.host,
    port: address?.port ?? parsePort(values.port, '--port', 8022),
    username: address?.user ?? values.username ?? values.user ?? 'mcp',
    clientKey: values['client-key']?.[0],
    clientKeys: values['client-key'] ?? [],
    useAgent: !values['no-agent'],
    usePassword: values.password ?? false,
    knownHosts: values['known-hosts'],
    passphrase: values.passphrase,
    passphraseFile: values['passphrase-file'],
    disableHostKeyChecking: values['disable-host-key-checking'] ?? false,
    useKeyServer: values['use-key-server'] ?? false,
    keyServerPort: parsePort(values['key-server-port'], '--key-server-port', 8000),
    command: values.command,
    hostKeyPolicy: values['host-key-policy'],
    logLevel: values['log-level'] ?? 'warn',
    approvalTimeoutSec: timeout,
    ...(values['no-resume'] ? { resume: false } : {}),
  };
}

export async function run(args: string[]): Promise<number> {
  // First, before anything slow: every moment the passphrase is in the process title, `ps` shows it.
  hidePassphraseFromProcessTitle(args);
  if (args.includes('--tools')) {
    const { values } = parseCommandArgs('connect --tools', args, {
      tools: { type: 'boolean' },
      remote: { type: 'string', multiple: true },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }, false, CONNECT_HELP);
    return (await import('./connect-via-daemon.js')).connectViaDaemon({ tools: values.remote ?? [] }, values['log-level'] ?? 'warn');
  }
  const options = parseConnectArgs(args);
  if (options === 'help') {
    process.stdout.write(`${CONNECT_HELP}\n`);
    return 0;
  }
  if (options.remote) return (await import('./connect-via-daemon.js')).connectViaDaemon(options.remote, options.logLevel, options.approvalTimeoutSec);
  return (await import('./connect-standalone.js')).connectStandalone(options);
}

/**
 * `--passphrase P` is on the command line, which any local user can read (ps, /proc/PID/cmdline).
 * On Linux and macOS, setting process.title overwrites the memory of the original argv, which is what
 * /proc/PID/cmdline and ps show, so the passphrase disappears from there (it was visible from exec
 * until this line runs). Windows has no such area (the title is the console window's): nothing to do.
 */
export function hidePassphraseFromProcessTitle(args: string[]): boolean {
  if (process.platform === 'win32') return false;
  const shown = redactPassphrase(args);
  if (!shown) return false;
  process.title = ['burrow', 'connect', ...shown].join(' ');
  return true;
}

/** The arguments with the value of --passphrase replaced by ***, or undefined when there is none. */
export function redactPassphrase(args: string[]): string[] | undefined {
  let found = false;
  const shown = args.map((arg, i) => {
    if (arg.startsWith('--passphrase=')) {
      found = true;
      return '--passphrase=***';
    }
    if (i > 0 && args[i - 1] === '--passphrase') {
      found = true;
      return '***';
    }
    return arg;
  });
  return found ? shown : undefined;
}
