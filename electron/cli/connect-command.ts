import { parseCommandArgs, parsePort } from './cli-args.js';

export const CONNECT_HELP = `usage: burrow connect --remote NAME
       burrow connect --host HOST [--port 8022] [--username mcp] [--client-key PATH] [--known-hosts PATH]
                      [--passphrase P] [--disable-host-key-checking] [--use-key-server] [--key-server-port 8000]
                      [--command CMD] [--host-key-policy strict|accept-new|ask] [--approval-timeout SECONDS]
                      [--agent | --no-agent] [--password] [--log-level LEVEL]

Speaks MCP on stdin/stdout and relays it to the MCP server at the other end of SSH.
With --host it takes m2m-mcp-server-ssh-client's flags and needs nothing else running;
it asks for a shell (as m2m servers expect) unless --command starts the server with exec.
--client-key may be given more than once: keys are offered in order, then ssh-agent ($SSH_AUTH_SOCK).
A key that needs a passphrase, a password (--password) and an "ask" host key are asked on the
terminal (/dev/tty) when there is one; BURROW_PASSWORD supplies the password without a terminal.`;

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
  passphrase?: string;
  disableHostKeyChecking: boolean;
  useKeyServer: boolean;
  keyServerPort: number;
  command?: string;
  hostKeyPolicy?: string;
  logLevel: string;
  approvalTimeoutSec?: number;
}

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
    'disable-host-key-checking': { type: 'boolean' },
    'use-key-server': { type: 'boolean' },
    'key-server-port': { type: 'string' },
    command: { type: 'string' },
    'host-key-policy': { type: 'string' },
    'approval-timeout': { type: 'string' },
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help) return 'help';
  if (!values.remote && !values.host) throw new Error('connect: give --remote NAME (a saved remote) or --host HOST (see burrow connect --help)');
  if (values.remote && values.host) throw new Error('connect: give either --remote or --host, not both');
  const timeout = values['approval-timeout'] === undefined ? undefined : Number(values['approval-timeout']);
  if (timeout !== undefined && !(timeout > 0)) throw new Error('connect: --approval-timeout takes seconds, a number above 0');
  return {
    remote: values.remote,
    host: values.host,
    port: parsePort(values.port, '--port', 8022),
    username: values.username ?? values.user ?? 'mcp',
    clientKey: values['client-key']?.[0],
    clientKeys: values['client-key'] ?? [],
    useAgent: !values['no-agent'],
    usePassword: values.password ?? false,
    knownHosts: values['known-hosts'],
    passphrase: values.passphrase,
    disableHostKeyChecking: values['disable-host-key-checking'] ?? false,
    useKeyServer: values['use-key-server'] ?? false,
    keyServerPort: parsePort(values['key-server-port'], '--key-server-port', 8000),
    command: values.command,
    hostKeyPolicy: values['host-key-policy'],
    logLevel: values['log-level'] ?? 'warn',
    approvalTimeoutSec: timeout,
  };
}

export async function run(args: string[]): Promise<number> {
  const options = parseConnectArgs(args);
  if (options === 'help') {
    process.stdout.write(`${CONNECT_HELP}\n`);
    return 0;
  }
  if (options.remote) return (await import('./connect-via-daemon.js')).connectViaDaemon(options.remote, options.logLevel, options.approvalTimeoutSec);
  return (await import('./connect-standalone.js')).connectStandalone(options);
}
