import type { ConfigPlan, McpHostId } from '../../shared/api.js';
import { runsNoServer, runsServer, type Remote } from '../../shared/remote.js';
import { BurrowError } from '../core/errors.js';
import { unifiedDiff } from '../core/hostconfig/config-diff.js';
import { applyPlan, defaultHostConfigContext, listMcpHosts, planInstallMany, planInstallTools, planUninstall, planUninstallTools, TOOLS_ENTRY_NAME, type HostConfigContext } from '../core/hostconfig/host-configs.js';
import { MCP_HOST_IDS } from '../core/hostconfig/host-targets.js';
import { BACKUPS_KEPT } from '../core/hostconfig/config-file.js';
import { parseCommandArgs } from './cli-args.js';
import { callCommand } from './command-client.js';
import { confirm, personAtTerminal } from './confirm.js';

const HOSTS = MCP_HOST_IDS.join(', ');

const HELP = `usage: burrow install HOST [--remote NAME]... [--as ENTRY] [--dry-run] [--yes]
       burrow install HOST --tools [--remote NAME]... [--as ENTRY] [--dry-run] [--yes]
       burrow uninstall HOST [--remote NAME | --tools] [--dry-run] [--yes]
       burrow install            (lists the MCP hosts and what Burrow put in each)

HOST is one of: ${HOSTS}.
install writes an entry per remote (every saved remote unless --remote is given) that runs
"burrow connect --remote NAME"; uninstall removes Burrow's entries and nothing else.
--as ENTRY names the entry in the host's config when the remote's name is taken there (one --remote).
--tools writes one entry, "${TOOLS_ENTRY_NAME}", that runs "burrow connect --tools [--remote NAME]...": Burrow's
built-in SSH tools for the named remotes (every remote saved with --tools when none is named).
Comments, trailing commas and the file's formatting are kept; only Burrow's entries change.
Burrow prints the diff first and, on a terminal, asks before writing (--yes writes without asking;
without a terminal it writes, as scripts expect). The old file is backed up beside itself
(the newest ${BACKUPS_KEPT} backups are kept); --dry-run prints the diff and writes nothing.`;

const RESTART_HINT: Record<McpHostId, string> = {
  'claude-desktop': 'Quit and reopen Claude Desktop to load the change.',
  cursor: 'Cursor picks the change up in Settings → MCP (reload the window if it does not).',
  vscode: 'VS Code picks the change up (MCP: List Servers shows it).',
  'claude-code': 'New Claude Code sessions see the change (/mcp lists the servers).',
};

export async function run(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const uninstall = verb === 'uninstall';
  const { values, positionals } = parseCommandArgs(verb ?? 'install', rest, {
    remote: { type: 'string', multiple: true },
    tools: { type: 'boolean' },
    as: { type: 'string' },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const ctx = defaultHostConfigContext();
  if (positionals.length === 0) {
    if (uninstall) throw new Error(`uninstall: name the MCP host (${HOSTS})`);
    return listHosts(ctx);
  }
  if (positionals.length > 1) throw new Error(`${verb}: one MCP host at a time, not "${positionals.join(' ')}"`);
  const host = positionals[0] as McpHostId;
  if (!MCP_HOST_IDS.includes(host)) throw new Error(`${verb}: unknown MCP host "${positionals[0]}" (use one of: ${HOSTS})`);

  if (values.tools) {
    if (uninstall && values.remote?.length) throw new Error('uninstall: --tools removes the tools entry; give no --remote with it');
    const plan = uninstall
      ? planUninstallTools(ctx, host)
      : planInstallTools(ctx, host, await toolRemotesToInstall(values.remote ?? []), values.as !== undefined ? { entryName: values.as } : {});
    return report(plan, { dryRun: values['dry-run'] ?? false, yes: values.yes ?? false, uninstall });
  }
  if (uninstall && values.remote && values.remote.length > 1) {
    throw new Error('uninstall: give one --remote, or none to remove every Burrow entry');
  }
  if (values.as !== undefined) {
    if (uninstall) throw new Error('uninstall: --as is for install; uninstall finds the entry by its remote (--remote NAME)');
    if (values.remote?.length !== 1) throw new Error('install: --as names one entry: give exactly one --remote NAME with it');
  }
  const plan = uninstall
    ? planUninstall(ctx, host, values.remote?.[0])
    : planInstallMany(ctx, host, await remotesToInstall(host, values.remote), values.as !== undefined ? { entryName: values.as } : {});
  return report(plan, { dryRun: values['dry-run'] ?? false, yes: values.yes ?? false, uninstall });
}

async function remotesToInstall(host: McpHostId, requested: string[] | undefined): Promise<string[]> {
  const remotes = await callCommand('listRemotes');
  const saved = remotes.map((r) => r.name);
  // A remote with no MCP server of its own is served by the tools entry (--tools), not an entry of its own.
  const relayed = remotes.filter(runsServer).map((r) => r.name);
  const toolsEntry = `burrow install ${host} --tools`;
  if (!requested || requested.length === 0) {
    if (saved.length === 0) throw new BurrowError('no remotes are saved yet: add one first (burrow remote add NAME --host HOST)', 'config');
    if (relayed.length === 0) throw new BurrowError(`install: ${saved.length === 1 ? runsNoServer(saved[0]) : 'no saved remote runs an MCP server of its own (they are saved for the built-in SSH tools)'}: ${toolsEntry}`, 'config');
    for (const r of remotes) if (!runsServer(r)) process.stderr.write(`burrow: install: skipping ${runsNoServer(r.name)}; ${toolsEntry} serves it\n`);
    return relayed;
  }
  for (const name of requested) {
    if (!saved.includes(name)) {
      const known = saved.length ? `saved remotes: ${saved.join(', ')}` : 'none is saved yet: burrow remote add NAME --host HOST';
      throw new BurrowError(`install: no remote named "${name}" (${known})`, 'config');
    }
    if (!relayed.includes(name)) throw new BurrowError(`install: ${runsNoServer(name)}: ${toolsEntry}`, 'config');
  }
  return requested;
}

/** The remotes a tools entry names: each saved with the tools on; with none named, at least one must be. */
async function toolRemotesToInstall(requested: string[]): Promise<string[]> {
  const saved = await callCommand('listRemotes');
  const enabled = saved.filter((r) => r.tools?.enabled).map((r) => r.name);
  if (requested.length === 0 && enabled.length === 0) {
    throw new BurrowError('install --tools: no saved remote has the built-in SSH tools on: burrow remote add NAME --host HOST --tools', 'config');
  }
  for (const name of requested) {
    if (!saved.some((r) => r.name === name)) throw new BurrowError(`install --tools: no remote named "${name}" (burrow remote list)`, 'config');
    if (!enabled.includes(name)) throw new BurrowError(`install --tools: remote "${name}" does not have the built-in SSH tools on: burrow remote add ${name} … --tools --replace`, 'config');
  }
  return requested;
}

async function report(plan: ConfigPlan, { dryRun, yes, uninstall }: { dryRun: boolean; yes: boolean; uninstall: boolean }): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (!plan.changed) {
    out(uninstall ? `${plan.path} has no Burrow entries to remove; nothing to write.` : `${plan.path} already has these Burrow entries; nothing to write.`);
    return 0;
  }
  process.stdout.write(unifiedDiff(plan.before, plan.after, plan.path));
  if (dryRun) {
    out(`Dry run: nothing written to ${plan.path}.`);
    return 0;
  }
  if (!yes && personAtTerminal() && !(await confirm('Write this?'))) {
    out(`Nothing written to ${plan.path}.`);
    return 1;
  }
  const written = applyPlan(plan);
  out(`Wrote ${written.path}`);
  out(written.backupPath ? `Backup of the previous file: ${written.backupPath}` : 'There was no previous file, so no backup.');
  out(RESTART_HINT[plan.host]);
  return 0;
}

async function listHosts(ctx: HostConfigContext): Promise<number> {
  let saved: string[] | undefined;
  let toolRemotes = false;
  try {
    const remotes = await callCommand('listRemotes');
    saved = remotes.map((r) => r.name);
    toolRemotes = remotes.some((r) => r.tools?.enabled);
  } catch {
    // the listing of hosts is still useful without remotes
  }
  for (const h of listMcpHosts(ctx, saved ?? [])) {
    // Without the list of remotes no entry can be called orphaned: show them all as Burrow's.
    if (saved === undefined) [h.installed, h.orphaned] = [h.orphaned, []];
    const remotes = h.installed.length ? `Burrow remotes: ${h.installed.join(', ')}` : 'no Burrow remotes';
    const state = h.problem ? `cannot write: ${h.problem}` : h.tools ? `${remotes}; built-in SSH tools` : remotes;
    process.stdout.write(`${h.id.padEnd(15)} ${h.detected ? 'found    ' : 'not found'} ${h.configPath}\n${' '.repeat(26)}${state}\n`);
    if (h.orphaned.length) {
      const how = h.orphaned.map((n) => `burrow uninstall ${h.id} --remote ${n}`).join('; ');
      process.stdout.write(`${' '.repeat(26)}entries for remotes no longer saved: ${h.orphaned.join(', ')} (remove with: ${how})\n`);
    }
  }
  process.stdout.write(`\nburrow install HOST [--remote NAME] writes Burrow into one of them${toolRemotes ? '; burrow install HOST --tools writes the built-in SSH tools entry' : ''}.\n`);
  return 0;
}
