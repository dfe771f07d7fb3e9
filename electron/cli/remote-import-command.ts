import { resolve } from 'node:path';
import { parseHostKeyPolicy } from '../../shared/host-key-policy.js';
import { describeRemoteAddress, type Remote } from '../../shared/remote.js';
import { importConnectionsJson } from '../core/sshconfig/connections-json.js';
import { DEFAULT_SSH_CONFIG, importSshConfig, listSshConfigHosts, type ImportedRemote } from '../core/sshconfig/ssh-config-import.js';
import { parseCommandArgs, runSubcommand } from './cli-args.js';
import { describeChannel, describeJump } from './remote-command.js';
import { callCommand } from './command-client.js';

const HELP = `usage: burrow remote import ssh-config [--host ALIAS]... [--file PATH] [--command 'CMD'] [--tools] [--host-key-policy P] [--replace] [--dry-run]
       burrow remote import ssh-config --list [--file PATH]
       burrow remote import connections.json PATH [--command 'CMD'] [--host-key-policy P] [--replace] [--dry-run]

ssh-config reads ~/.ssh/config (or --file) as ssh does: Include, Host patterns, first value wins,
HostName, Port, User, IdentityFile, IdentitiesOnly, IdentityAgent, ProxyJump, UserKnownHostsFile,
HostKeyAlias, StrictHostKeyChecking, ConnectTimeout, ServerAliveInterval. Other options are named, not used.
Without --host every alias (Host names without wildcards) is imported.
connections.json takes mcp-ssh-gateway's file unchanged.
Without --command the remotes ask for a shell, as m2m-mcp-server-ssh-server expects. --tools turns
Burrow's built-in SSH tools on for them (burrow connect --tools); with --tools and no --command they run
no MCP server of their own: hosts for agents to work on through the tools.`;

export function run(args: string[]): Promise<number> {
  return runSubcommand('remote import', HELP, args, { 'ssh-config': { help: HELP, run: sshConfig }, 'connections.json': { help: HELP, run: connectionsJson } }, { 'connections-json': 'connections.json' });
}

const common = {
  command: { type: 'string' },
  'host-key-policy': { type: 'string' },
  replace: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

async function sshConfig(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('remote import ssh-config', args, { ...common, host: { type: 'string', multiple: true }, file: { type: 'string' }, list: { type: 'boolean' }, tools: { type: 'boolean' } }, false);
  void positionals;
  const file = values.file ? resolve(values.file) : DEFAULT_SSH_CONFIG;
  if (values.list) {
    for (const alias of listSshConfigHosts(file)) process.stdout.write(`${alias}\n`);
    return 0;
  }
  const result = importSshConfig(file, values.host ?? [], {
    command: values.command,
    tools: values.tools,
    hostKeyPolicy: values['host-key-policy'] ? parseHostKeyPolicy(values['host-key-policy']) : undefined,
  });
  for (const warning of result.warnings) process.stderr.write(`burrow: ${warning}\n`);
  return save(result.imported, result.failed, values.replace ?? false, values['dry-run'] ?? false);
}

async function connectionsJson(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('remote import connections.json', args, common);
  const [path] = positionals;
  if (!path || positionals.length > 1) throw new Error('remote import connections.json: give exactly one PATH, e.g. burrow remote import connections.json ./connections.json');
  const result = importConnectionsJson(resolve(path), {
    command: values.command,
    hostKeyPolicy: values['host-key-policy'] ? parseHostKeyPolicy(values['host-key-policy']) : undefined,
  });
  return save(result.imported, result.failed, values.replace ?? false, values['dry-run'] ?? false);
}

/** Saves each remote through the running engine (or the store, when none runs); one line per remote. */
async function save(imported: ImportedRemote[], failed: { alias: string; error: string }[], replace: boolean, dryRun: boolean): Promise<number> {
  let errors = failed.length;
  for (const { alias, error } of failed) process.stderr.write(`burrow remote import: ${alias}: ${error}\n`);
  for (const { remote, notes } of imported) {
    for (const line of notes) process.stderr.write(`burrow: ${line}\n`);
    if (dryRun) {
      process.stdout.write(`${JSON.stringify(remote)}\n`);
      continue;
    }
    try {
      const saved = await callCommand('saveRemote', remote, replace);
      process.stdout.write(`added remote "${saved.name}" (${describe(saved)})\n`);
    } catch (error) {
      errors++;
      process.stderr.write(`burrow remote import: ${remote.name}: ${(error as Error).message.split('\n')[0]}\n`);
    }
  }
  return errors ? 1 : 0;
}

function describe(r: Remote): string {
  return `${describeRemoteAddress(r)}${describeJump(r)}, ${describeChannel(r)}`;
}
