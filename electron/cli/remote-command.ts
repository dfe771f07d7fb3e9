import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { describeRemoteAddress, type Remote, type RemoteInput } from '../../shared/remote.js';
import { parseHostKeyPolicy } from '../../shared/host-key-policy.js';
import { parseCommandArgs, parsePort, runSubcommand } from './cli-args.js';
import { callService } from './service-client.js';

const HELP = `usage: burrow remote add NAME --host HOST [--port 22] [--user USER] [--key PATH]... [--agent | --no-agent]
                         [--password] [--known-hosts PATH] [--command 'CMD' | --shell]
                         [--host-key-policy ask|strict|accept-new] [--use-key-server [--key-server-port 8000]] [--replace]
       burrow remote add NAME --tunnel DEVICE [--user USER] [--key PATH]... [--command 'CMD' | --shell] …
       burrow remote list [--json]
       burrow remote remove NAME

--command starts the MCP server with an exec channel (any OpenSSH host);
--shell (the default without --command) asks for a shell, as m2m-mcp-server-ssh-server expects.
--tunnel reaches an edge device's own sshd through the tunnel it dials in with (burrow devices).`;

export function run(args: string[]): Promise<number> {
  return runSubcommand('remote', HELP, args, { add, list, remove }, { ls: 'list', rm: 'remove' });
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('remote add', args, {
    host: { type: 'string' },
    port: { type: 'string' },
    user: { type: 'string' },
    key: { type: 'string', multiple: true },
    agent: { type: 'boolean' },
    'no-agent': { type: 'boolean' },
    password: { type: 'boolean' },
    'known-hosts': { type: 'string' },
    command: { type: 'string' },
    shell: { type: 'boolean' },
    'host-key-policy': { type: 'string' },
    'use-key-server': { type: 'boolean' },
    'key-server-port': { type: 'string' },
    replace: { type: 'boolean' },
    tunnel: { type: 'string' },
  });
  const [name] = positionals;
  if (!name || positionals.length > 1) throw new Error('remote add: give exactly one NAME, e.g. burrow remote add prod --host prod.example.com');
  // A tunnel remote is reached on 127.0.0.1 at the device's live tunnel port (filled in when connecting).
  if (values.tunnel && values.host) throw new Error('remote add: give --host or --tunnel, not both');
  if (values.tunnel) values.host = '127.0.0.1';
  if (!values.host) throw new Error('remote add: --host is required');
  if (values.command && values.shell) throw new Error('remote add: give --command or --shell, not both');
  const input: RemoteInput = {
    name,
    host: values.host,
    port: parsePort(values.port, '--port', 22),
    user: values.user ?? userInfo().username,
    identityFiles: (values.key ?? []).map((k) => resolve(k)),
    // As OpenSSH: the agent is used when present, unless a key is given with --no-agent.
    useAgent: values['no-agent'] ? false : (values.agent ?? true),
    usePassword: values.password ?? false,
    knownHostsPath: values['known-hosts'] ? resolve(values['known-hosts']) : undefined,
    mode: values.command ? 'exec' : 'shell',
    command: values.command,
    hostKeyPolicy: parseHostKeyPolicy(values['host-key-policy'] ?? 'ask'),
    keyServer: values['use-key-server'] ? { enabled: true, port: parsePort(values['key-server-port'], '--key-server-port', 8000) } : undefined,
    tunnel: values.tunnel ? { device: values.tunnel } : undefined,
  };
  const saved = await callService<Remote>('remote.add', { remote: input, replace: values.replace ?? false });
  process.stdout.write(`added remote "${saved.name}" (${saved.tunnel ? `${saved.user}@tunnel:${saved.tunnel.device}` : describeRemoteAddress(saved)}, ${describeChannel(saved)})\n`);
  return 0;
}

function describeChannel(r: Remote): string {
  return r.mode === 'exec' ? `exec: ${r.command}` : 'shell';
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('remote list', args, { json: { type: 'boolean' } }, false);
  const remotes = await callService<Remote[]>('remote.list');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(remotes, null, 2)}\n`);
    return 0;
  }
  if (remotes.length === 0) {
    process.stdout.write('no remotes yet: burrow remote add NAME --host HOST [--command CMD]\n');
    return 0;
  }
  const rows = [['NAME', 'ADDRESS', 'CHANNEL', 'HOST KEYS'], ...remotes.map((r) => [r.name, r.tunnel ? `${r.user}@tunnel:${r.tunnel.device}` : describeRemoteAddress(r), describeChannel(r), r.hostKeyPolicy])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs('remote remove', args, {});
  const [name] = positionals;
  if (!name) throw new Error('remote remove: give the NAME of the remote');
  const removed = await callService<boolean>('remote.remove', { name });
  if (!removed) throw new Error(`remote remove: no remote named "${name}"`);
  process.stdout.write(`removed remote "${name}"\n`);
  return 0;
}
