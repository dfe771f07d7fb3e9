import type { Remote } from '../../shared/remote.js';
import { describeRemoteAddress } from '../../shared/remote-address.js';
import { formatJumpSpec } from '../../shared/jump-spec.js';
import { defaultHostConfigContext, findHostEntries, removeHostEntries } from '../core/hostconfig/host-configs.js';
import { commandHelp, parseCommandArgs, runSubcommand, type Subcommand } from './cli-args.js';
import { applyRemoteFlags, newRemoteBase, REMOTE_FLAGS } from './remote-flags.js';
import { callCommand } from './command-client.js';
import { confirm, personAtTerminal } from './confirm.js';

const ADD_HELP = `usage: burrow remote add NAME --host [USER@]HOST[:PORT] [--port 22] [--user USER] [--key PATH]... [--agent | --no-agent]
                         [--password] [--known-hosts PATH] [--command 'CMD' | --shell | --tools-only]
                         [--host-key-policy ask|strict|accept-new] [--use-key-server [--key-server-port 8000]] [--replace]
                         [--jump USER@HOST:PORT[,...]]
                         [--tunnel DEVICE (instead of --host: an edge device that dials in)]
                         [--tools [--description TEXT] [--tool-policy TOOL=allow|ask|deny]... [--command-rule ask|deny:PATTERN]...]
                         [--no-resume]

Saves a remote. Defaults: --port 22, --user the local user name, ssh-agent when $SSH_AUTH_SOCK is set,
~/.ssh/known_hosts plus Burrow's own approvals, --host-key-policy ask (unknown keys wait for approval).
--tools lets "burrow connect --tools" serve Burrow's built-in SSH tools for it (a host that runs no
MCP server); --description is what the model is told the remote is for. Listing and reading run at once;
executing, writing, uploading, forwarding and sudo wait for a person (burrow approvals).
--tool-policy sets one tool's policy (repeatable); --command-rule adds a regular expression over commands
and shell input that always asks or always denies (repeatable). To change them later: remote edit NAME
(or the remote form in the window).
--command starts the MCP server with an exec channel (any OpenSSH host);
--shell (the default without --command) asks for a shell, as m2m-mcp-server-ssh-server expects;
--tools-only (or --tools with neither) saves a remote that runs no MCP server of its own: it is there for
the built-in tools, which it turns on.
--key may be given more than once; each must be a private key file (one that needs a passphrase is
fine: it is asked for when connecting). --replace overwrites a saved remote of the same NAME
(remote edit NAME changes some fields and keeps the rest).
Host sessions resume after a dropped connection or a crashed server (a fresh server, the host's initialize
replayed), and a remote that is down at start is answered from its cached catalog; --no-resume ends the
session with the error instead (servers with state that must not be silently restarted).`;

const EDIT_HELP = `usage: burrow remote edit NAME [any flag of remote add, e.g. --port 2222 --user deploy --command 'CMD']
                          [--no-key] [--no-password] [--no-jump] [--no-key-server] [--no-tools] [--no-command-rules] [--resume]

Changes only the fields given and keeps the rest of a saved remote, then prints each change
("prod: port 22 → 2222") or "nothing changed". The flags are those of remote add (its --help says what
each does). --key, --jump and --command-rule replace the whole list when given; --no-key, --no-jump and
--no-command-rules empty it. --tool-policy TOOL=ACTION changes the tools it names and keeps the others.
--host on a tunnel remote makes it a plain one; --shell drops the command; --tools-only drops it too and keeps
the remote for the built-in tools alone. --agent, --password, --tools,
--use-key-server and --resume turn on what --no-agent, --no-password, --no-tools, --no-key-server and
--no-resume turn off (--no-tools keeps the description and policy for later). The result is checked as
remote add checks it; a mistake changes nothing. To rename: add the remote under the new name, remove the old.`;

const LIST_HELP = `usage: burrow remote list [--json]

Lists the saved remotes: name, user@host:port, channel (exec command or shell) and host-key policy.`;

const REMOVE_HELP = `usage: burrow remote remove NAME [--keep-host-entries] [--yes]

Removes a saved remote (alias: rm), and its entries in MCP hosts' configs (Claude Desktop, Cursor,
VS Code, Claude Code) after asking on a terminal (--yes: without asking); --keep-host-entries leaves them.`;

const IMPORT_HELP = `usage: burrow remote import ssh-config [--host ALIAS]... [--file PATH] [--command 'CMD'] [--tools] [--host-key-policy P] [--replace] [--dry-run] [--list]
       burrow remote import connections.json PATH [--replace] [--dry-run]

Saves remotes from what you already have: the Host blocks of ~/.ssh/config (with Include, patterns and
ProxyJump), or mcp-ssh-gateway's connections.json. Options Burrow does not support are named, not dropped.`;

const TABLE: Record<string, Subcommand> = {
  add: { help: ADD_HELP, run: add },
  edit: { help: EDIT_HELP, run: async (rest) => (await import('./remote-edit-command.js')).edit(rest, EDIT_HELP) },
  list: { help: LIST_HELP, run: list },
  remove: { help: REMOVE_HELP, run: remove },
  import: { help: IMPORT_HELP, run: async (rest) => (await import('./remote-import-command.js')).run(rest) },
};

const HELP = commandHelp(TABLE, `Run "burrow remote add --help" for what each option does and its default.`);

export function run(args: string[]): Promise<number> {
  return runSubcommand('remote', HELP, args, TABLE, { ls: 'list', rm: 'remove' });
}

async function add(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('remote add', args, { ...REMOTE_FLAGS, replace: { type: 'boolean' } }, true, ADD_HELP);
  const [name] = positionals;
  if (!name || positionals.length > 1) throw new Error('remote add: give exactly one NAME, e.g. burrow remote add prod --host prod.example.com');
  if (!values.host && !values.tunnel) throw new Error('remote add: --host is required');
  // --tools alone is a host that runs no MCP server: the built-in tools are all it is for (as --tools-only says).
  const toolsAlone = values.tools && values.command === undefined && !values.shell;
  const input = await applyRemoteFlags('remote add', toolsAlone ? { ...values, 'tools-only': true } : values, newRemoteBase(name));
  // Checked here so a mistake is one line naming the field, not the service's raw list of issues.
  const { formatSchemaError, remoteSchema } = await import('../../shared/remote.js');
  const checked = remoteSchema.safeParse(input);
  if (!checked.success) throw new Error(`remote add: ${formatSchemaError(checked.error)}`);
  const saved = await callCommand('saveRemote', input, values.replace ?? false);
  process.stdout.write(`added remote "${saved.name}" (${describeAddress(saved)}, ${describeChannel(saved)})\n`);
  return 0;
}

/** ` via a -> b` for a remote behind jump hosts. */
export function describeJump(r: Remote): string {
  return r.jump?.length ? ` via ${r.jump.map((h) => formatJumpSpec(h)).join(' -> ')}` : '';
}

/** Where a remote is: user@host:port (via jump hosts), or the device it reaches through a tunnel. */
function describeAddress(r: Remote): string {
  return r.tunnel ? `${r.user}@tunnel:${r.tunnel.device}` : `${describeRemoteAddress(r)}${describeJump(r)}`;
}

/** How the remote's MCP server is reached, for lists: its command, a shell (m2m), or none (built-in tools only). */
export function describeChannel(r: Remote): string {
  if (r.mode === 'none') return 'built-in SSH tools only';
  return r.mode === 'exec' ? `exec: ${r.command}` : 'shell';
}

async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('remote list', args, { json: { type: 'boolean' } }, false, LIST_HELP);
  const remotes = await callCommand('listRemotes');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(remotes, null, 2)}\n`);
    return 0;
  }
  if (remotes.length === 0) {
    process.stdout.write('no remotes yet: burrow remote add NAME --host HOST [--command CMD]\n');
    return 0;
  }
  const rows = [['NAME', 'ADDRESS', 'CHANNEL', 'HOST KEYS'], ...remotes.map((r) => [r.name, describeAddress(r), describeChannel(r), r.hostKeyPolicy])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
  return 0;
}

async function remove(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('remote remove', args, {
    'keep-host-entries': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
  }, true, REMOVE_HELP);
  const [name] = positionals;
  if (!name || positionals.length > 1) throw new Error('remote remove: give the NAME of the remote');
  const keep = values['keep-host-entries'] ?? false;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const ctx = defaultHostConfigContext();
  const saved = (await callCommand('listRemotes')).some((r) => r.name === name);
  const { found, unreadable } = findHostEntries(ctx, name);
  for (const problem of unreadable) process.stderr.write(`remote remove: not checked for entries of "${name}": ${problem}\n`);
  if (!saved && found.length === 0) throw new Error(`remote remove: no remote named "${name}"`);

  if (found.length) {
    out(`MCP host configs with an entry for "${name}":`);
    for (const f of found) out(`  ${f.label}: ${f.configPath} (${f.entries.map((e) => `"${e}"`).join(', ')})`);
    if (!keep && !values.yes && personAtTerminal()) {
      const what = saved ? `Remove the remote "${name}" and these entries?` : `Remove these entries?`;
      if (!(await confirm(what))) {
        out('Nothing removed. (--keep-host-entries removes the remote and leaves the entries.)');
        return 1;
      }
    }
  }
  if (saved) {
    const removed = await callCommand('removeRemote', name);
    if (!removed) throw new Error(`remote remove: no remote named "${name}"`);
    out(`removed remote "${name}"`);
  } else {
    out(`no remote named "${name}" is saved; these entries were left behind when it was removed`);
  }
  if (found.length === 0) return 0;
  if (keep) {
    out(`kept its entries (--keep-host-entries): they fail until a remote named "${name}" is saved again; burrow uninstall HOST --remote ${name} removes one`);
    return 0;
  }
  const { removed, failed } = removeHostEntries(ctx, name);
  for (const plan of removed) out(`removed its entry from ${plan.path}${plan.backupPath ? ` (backup: ${plan.backupPath})` : ''}`);
  for (const f of failed) process.stderr.write(`remote remove: could not remove the entry from ${f.host}: ${f.error}; run burrow uninstall ${f.host} --remote ${name}\n`);
  return failed.length ? 1 : 0;
}
