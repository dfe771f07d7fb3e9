import type { Remote } from '../../shared/remote.js';
import { DEFAULT_TOOL_ACTIONS, SSH_TOOL_NAMES } from '../../shared/tools.js';
import { nearestOption, parseCommandArgs } from './cli-args.js';
import { callCommand } from './command-client.js';
import { describeChannel, describeJump } from './remote-command.js';
import { anyRemoteFlag, applyRemoteFlags, REMOTE_FLAGS, UNDO_FLAGS } from './remote-flags.js';

/**
 * `burrow remote edit NAME [flags]`: the saved remote with the fields the flags name changed, saved through the
 * same command as `remote add --replace` (so a running engine and its window follow), and each change printed.
 */
export async function edit(args: string[], usage: string): Promise<number> {
  const { values, positionals } = parseCommandArgs('remote edit', args, { ...REMOTE_FLAGS, ...UNDO_FLAGS }, true, usage);
  const [name] = positionals;
  if (!name || positionals.length > 1) throw new Error('remote edit: give exactly one NAME, e.g. burrow remote edit prod --port 2222');
  if (!anyRemoteFlag(values)) throw new Error(`remote edit: give what to change, e.g. burrow remote edit ${name} --port 2222 (see burrow remote edit --help)`);
  const remotes = await callCommand('listRemotes');
  const before = remotes.find((r) => r.name === name);
  if (!before) {
    const nearest = nearestOption(name, remotes.map((r) => r.name));
    throw new Error(`remote edit: no remote named "${name}" (${nearest ? `did you mean ${nearest}? ` : ''}burrow remote list lists them)`);
  }
  const input = await applyRemoteFlags('remote edit', values, before);
  const { formatSchemaError, remoteSchema } = await import('../../shared/remote.js');
  const checked = remoteSchema.safeParse(input);
  if (!checked.success) throw new Error(`remote edit: ${formatSchemaError(checked.error)}`);
  const changes = describeChanges(before, checked.data);
  if (changes.length === 0) {
    process.stdout.write(`${name}: nothing changed\n`);
    return 0;
  }
  // Saved only over the remote read above: a remove or another edit meanwhile is not undone.
  try {
    await callCommand('saveRemote', checked.data, true, before);
  } catch (error) {
    throw new Error(`remote edit: ${(error as Error).message}`);
  }
  for (const change of changes) process.stdout.write(`${name}: ${change}\n`);
  return 0;
}

/** What a person reads for each field edit can change; the fields it cannot (from ssh_config) are kept as they are. */
const FIELDS: [label: string, show: (r: Remote) => string][] = [
  ['host', (r) => (r.tunnel ? `tunnel ${r.tunnel.device}` : r.host)],
  ['port', (r) => String(r.port)],
  ['user', (r) => r.user],
  ['keys', (r) => (r.identityFiles.length ? r.identityFiles.join(', ') : 'none')],
  ['agent', (r) => onOff(r.useAgent)],
  ['password', (r) => onOff(r.usePassword)],
  ['known hosts', (r) => r.knownHostsPath ?? 'default'],
  ['channel', describeChannel],
  ['host-key policy', (r) => r.hostKeyPolicy],
  ['key server', (r) => (r.keyServer?.enabled ? `on, port ${r.keyServer.port}` : 'off')],
  ['jump hosts', (r) => describeJump(r).replace(/^ via /, '') || 'none'],
  ['resume', (r) => onOff(r.resume !== false)],
  ['tools', (r) => onOff(!!r.tools?.enabled)],
  ['tools description', (r) => (r.tools?.description ? JSON.stringify(r.tools.description) : 'none')],
  ...SSH_TOOL_NAMES.map((tool): [string, (r: Remote) => string] => [`tool ${tool}`, (r) => r.tools?.policy?.tools[tool] ?? DEFAULT_TOOL_ACTIONS[tool]]),
  ['command rules', (r) => r.tools?.policy?.commandRules.map((c) => `${c.action} /${c.pattern}/`).join(', ') || 'none'],
];

/** One `field old → new` line per field that differs. */
function describeChanges(before: Remote, after: Remote): string[] {
  const lines: string[] = [];
  for (const [label, show] of FIELDS) {
    const [was, now] = [show(before), show(after)];
    if (was !== now) lines.push(`${label} ${was} → ${now}`);
  }
  return lines;
}

function onOff(on: boolean): string {
  return on ? 'on' : 'off';
}
