import type { ConfigPlan, McpHostId } from '../../shared/api.js';
import type { Remote } from '../../shared/remote.js';
import { BurrowError } from '../core/errors.js';
import { unifiedDiff } from '../core/hostconfig/config-diff.js';
import { applyPlan, defaultHostConfigContext, listMcpHosts, planInstallMany, planUninstall, type HostConfigContext } from '../core/hostconfig/host-configs.js';
import { MCP_HOST_IDS } from '../core/hostconfig/host-targets.js';
import { parseCommandArgs } from './cli-args.js';
import { callService } from './service-client.js';

const HOSTS = MCP_HOST_IDS.join(', ');

const HELP = `usage: burrow install HOST [--remote NAME]... [--dry-run]
       burrow uninstall HOST [--remote NAME] [--dry-run]
       burrow install            (lists the MCP hosts and what Burrow put in each)

HOST is one of: ${HOSTS}.
install writes an entry per remote (every saved remote unless --remote is given) that runs
"burrow connect --remote NAME"; uninstall removes Burrow's entries and nothing else.
The old file is backed up beside itself first; --dry-run prints the diff and writes nothing.`;

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
    'dry-run': { type: 'boolean' },
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

  if (uninstall && values.remote && values.remote.length > 1) {
    throw new Error('uninstall: give one --remote, or none to remove every Burrow entry');
  }
  const plan = uninstall ? planUninstall(ctx, host, values.remote?.[0]) : planInstallMany(ctx, host, await remotesToInstall(values.remote));
  return report(plan, values['dry-run'] ?? false, uninstall);
}

async function remotesToInstall(requested: string[] | undefined): Promise<string[]> {
  const saved = (await callService<Remote[]>('remote.list')).map((r) => r.name);
  if (!requested || requested.length === 0) {
    if (saved.length === 0) throw new BurrowError('no remotes are saved yet: add one first (burrow remote add NAME --host HOST)', 'config');
    return saved;
  }
  for (const name of requested) {
    if (!saved.includes(name)) {
      const known = saved.length ? `saved remotes: ${saved.join(', ')}` : 'none is saved yet: burrow remote add NAME --host HOST';
      throw new BurrowError(`install: no remote named "${name}" (${known})`, 'config');
    }
  }
  return requested;
}

function report(plan: ConfigPlan, dryRun: boolean, uninstall: boolean): number {
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
  const written = applyPlan(plan);
  out(`Wrote ${written.path}`);
  out(written.backupPath ? `Backup of the previous file: ${written.backupPath}` : 'There was no previous file, so no backup.');
  out(RESTART_HINT[plan.host]);
  return 0;
}

async function listHosts(ctx: HostConfigContext): Promise<number> {
  let saved: string[] = [];
  try {
    saved = (await callService<Remote[]>('remote.list')).map((r) => r.name);
  } catch {
    // the listing of hosts is still useful without remotes
  }
  for (const h of listMcpHosts(ctx, saved)) {
    const state = h.problem ? `cannot write: ${h.problem}` : h.installed.length ? `Burrow remotes: ${h.installed.join(', ')}` : 'no Burrow remotes';
    process.stdout.write(`${h.id.padEnd(15)} ${h.detected ? 'found    ' : 'not found'} ${h.configPath}\n${' '.repeat(26)}${state}\n`);
  }
  process.stdout.write(`\nburrow install HOST [--remote NAME] writes Burrow into one of them.\n`);
  return 0;
}
