import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { describeRemoteAddress, type Remote, type RemoteInput } from '../../shared/remote.js';
import { parseHostKeyPolicy } from '../../shared/host-key-policy.js';
import { formatJumpSpec, parseJumpSpecs } from '../../shared/jump-spec.js';
import { parseCommandArgs, parsePort, runSubcommand } from './cli-args.js';
import { callService } from './service-client.js';

const HELP = `usage: burrow remote add NAME --host HOST [--port 22] [--user USER] [--key PATH]... [--agent | --no-agent]
                         [--password] [--known-hosts PATH] [--command 'CMD' | --shell]
                         [--host-key-policy ask|strict|accept-new] [--use-key-server [--key-server-port 8000]] [--replace]
                         [--jump USER@HOST:PORT[,...]]
       burrow remote import ssh-config|connections.json ...   (burrow remote import --help)
       burrow remote list [--json]
       burrow remote remove NAME

--command starts the MCP server with an exec channel (any OpenSSH host);
--shell (the default without --command) asks for a shell, as m2m-mcp-server-ssh-server expects.`;

export function run(args: string[]): Promise<number> {
  const importFrom = async (rest: string[]) => (await import('./remote-import-command.js')).run(rest);
  return runSubcommand('remote', HELP, args, { add, list, remove, import: importFrom }, { ls: 'list', rm: 'remove' });
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
    jump: { type: 'string' },
  });
  const [name] = positionals;
  if (!name || positionals.length > 1) throw new Error('remote add: give exactly one NAME, e.g. burrow remote add prod --host prod.example.com');
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
    // As ssh -J: a hop logs in as the local user unless it names one.
    jump: values.jump ? parseJumpSpecs(values.jump).map((h) => ({ host: h.host, port: h.port ?? 22, user: h.user ?? userInfo().username })) : undefined,
    keyServer: values['use-key-server'] ? { enabled: true, port: parsePort(values['key-server-port'], '--key-server-port', 8000) } : undefined,
  };
  const saved = await callService<Remote>('remote.add', { remote: input, replace: values.replace ?? false });
  process.stdout.write(`added remote "${saved.name}" (${describeRemoteAddress(saved)}${describeJump(saved)}, ${describeChannel(saved)})\n`);
  return 0;
}

/** ` via a -> b` for a remote behind jump hosts. */
export function describeJump(r: Remote): string {
  return r.jump?.length ? ` via ${r.jump.map((h) => formatJumpSpec(h)).join(' -> ')}` : '';
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
  const rows = [['NAME', 'ADDRESS', 'CHANNEL', 'HOST KEYS'], ...remotes.map((r) => [r.name, `${describeRemoteAddress(r)}${describeJump(r)}`, describeChannel(r), r.hostKeyPolicy])];
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
