import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ConfigPlan, McpHostId, McpHostInfo, HostEntries } from '../../../shared/api.js';
export type { HostEntries };
import { BurrowError, oneLine } from '../errors.js';
import { backupFile, pruneBackups, readConfigText, writeFileAtomic, writeTarget } from './config-file.js';
import { hostTarget, isDetected, MCP_HOST_IDS, type HostTarget } from './host-targets.js';
import { configText, parseConfig, removeServer, serversOf, setServer, type ConfigDocument, type JsonObject } from './jsonc-config.js';
import { thisProcessLauncher } from './launcher.js';

/** Everything the config writers depend on, so tests can give each OS's rules a temp HOME. */
export interface HostConfigContext {
  home: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  launcher: { command: string; args: string[]; env?: Record<string, string> };
}

export function defaultHostConfigContext(): HostConfigContext {
  return { home: homedir(), platform: process.platform, env: process.env, launcher: thisProcessLauncher() };
}

/** Reads and parses one host's config (an empty document when the file does not exist). */
function readDoc(target: HostTarget): ConfigDocument {
  return parseConfig(target.configPath, readConfigText(target.configPath), { jsonc: target.jsonc, serversKey: target.serversKey, hostLabel: target.label });
}

/**
 * Each known MCP host: where its config is, whether it is installed here, which saved remotes it runs
 * through Burrow, and which Burrow entries point at a remote that is no longer saved (orphaned).
 */
/** Each known MCP host: where its config is, whether it is installed here, and which remotes it runs through Burrow. */
export function listMcpHosts(ctx: HostConfigContext, remoteNames: string[]): McpHostInfo[] {
  return MCP_HOST_IDS.map((id) => {
    const target = hostTarget(id, ctx);
    const info: McpHostInfo = { id, label: target.label, configPath: target.configPath, detected: isDetected(target), installed: [], orphaned: [] };
    try {
      const ours = Object.values(serversOf(readDoc(target))).map(burrowRemoteOf).filter((n): n is string => n !== undefined);
      info.installed = remoteNames.filter((n) => ours.includes(n));
      info.orphaned = [...new Set(ours.filter((n) => !remoteNames.includes(n)))].sort();
      if (Object.values(serversOf(readDoc(target))).some((e) => burrowToolsRemotesOf(e) !== undefined)) info.tools = true;
    } catch (error) {
      info.problem = oneLine(error);
    }
    return info;
  });
}


/**
 * Which MCP hosts' configs hold a Burrow entry for `remoteName`. Files that do not exist are skipped;
 * a file that does not parse is reported in `unreadable` (its entries cannot be known or removed).
 */
export function findHostEntries(ctx: HostConfigContext, remoteName: string): { found: HostEntries[]; unreadable: string[] } {
  const found: HostEntries[] = [];
  const unreadable: string[] = [];
  for (const id of MCP_HOST_IDS) {
    const target = hostTarget(id, ctx);
    let servers: JsonObject;
    try {
      servers = serversOf(readDoc(target));
    } catch (error) {
      unreadable.push(oneLine(error));
      continue;
    }
    const entries = Object.keys(servers).filter((k) => burrowRemoteOf(servers[k]) === remoteName);
    if (entries.length) found.push({ host: id, label: target.label, configPath: target.configPath, entries });
  }
  return { found, unreadable };
}

/**
 * Removes every host entry for `remoteName` (after the remote itself was removed or renamed).
 * One plan per host that has entries; each applied independently, so one file that cannot be
 * written does not keep the others. Returns what was written and what failed, per host.
 */
export function removeHostEntries(ctx: HostConfigContext, remoteName: string): { removed: ConfigPlan[]; failed: { host: McpHostId; error: string }[] } {
  const removed: ConfigPlan[] = [];
  const failed: { host: McpHostId; error: string }[] = [];
  for (const { host } of findHostEntries(ctx, remoteName).found) {
    try {
      removed.push(applyPlan(planUninstall(ctx, host, remoteName)));
    } catch (error) {
      failed.push({ host, error: oneLine(error) });
    }
  }
  return { removed, failed };
}

/**
 * After a remote is renamed: its entries in one host's config run the new name. An entry under the
 * remote's old name is renamed with it; one under a name a person chose (--as) keeps that name.
 */
export function planRenameRemote(ctx: HostConfigContext, host: McpHostId, from: string, to: string): ConfigPlan {
  const target = hostTarget(host, ctx);
  return plan(target, (doc) => {
    for (const [key, value] of Object.entries(serversOf(doc))) {
      if (burrowRemoteOf(value) !== from) continue;
      const newKey = key === from ? to : key;
      const taken = serversOf(doc)[newKey];
      if (newKey !== key && taken !== undefined) {
        throw new BurrowError(
          `${target.configPath} already has a server named "${newKey}"; rename that one, or install "${to}" under another name with --as NAME (Burrow changed nothing)`,
          'config',
        );
      }
      if (newKey !== key) doc = removeServer(doc, key);
      doc = setServer(doc, newKey, burrowEntry(ctx, target, to));
    }
    return doc;
  });
}

/** planRenameRemote for every host config that has entries for `from`, each written on its own. */
export function renameHostEntries(ctx: HostConfigContext, from: string, to: string): { renamed: ConfigPlan[]; failed: { host: McpHostId; error: string }[] } {
  const renamed: ConfigPlan[] = [];
  const failed: { host: McpHostId; error: string }[] = [];
  for (const { host } of findHostEntries(ctx, from).found) {
    try {
      renamed.push(applyPlan(planRenameRemote(ctx, host, from, to)));
    } catch (error) {
      failed.push({ host, error: oneLine(error) });
    }
  }
  return { renamed, failed };
}

export interface InstallOptions {
  /** The server name in the host's config, when not the remote's own name (that one is taken). */
  entryName?: string;
}

export function planInstall(ctx: HostConfigContext, host: McpHostId, remote: string, options: InstallOptions = {}): ConfigPlan {
  return planInstallMany(ctx, host, [remote], options);
}

/** One plan (one diff, one backup) that adds or refreshes Burrow's entry for each remote. */
export function planInstallMany(ctx: HostConfigContext, host: McpHostId, remotes: string[], options: InstallOptions = {}): ConfigPlan {
  const target = hostTarget(host, ctx);
  const entryName = options.entryName?.trim();
  if (options.entryName !== undefined) {
    if (remotes.length !== 1) throw new BurrowError('an entry name (--as) is for one remote at a time', 'config');
    if (!entryName || /[\u0000-\u001f]/.test(entryName)) throw new BurrowError(`"${options.entryName}" cannot be a server name: give a non-empty name (--as NAME)`, 'config');
  }
  return plan(target, (doc) => {
    for (const name of remotes) {
      const servers = serversOf(doc);
      const entry = burrowEntry(ctx, target, name);
      // An entry of ours for this remote under another key (renamed by hand) is refreshed where it is,
      // unless a name is asked for: then it moves there.
      const existing = Object.keys(servers).find((k) => burrowRemoteOf(servers[k]) === name);
      const key = entryName ?? existing ?? name;
      if (key in servers && burrowRemoteOf(servers[key]) !== name) {
        const owner = burrowRemoteOf(servers[key]);
        const what = owner === undefined ? 'that Burrow did not write' : `that Burrow wrote for the remote "${owner}"`;
        throw new BurrowError(
          `${target.configPath} already has a server named "${key}" ${what}; install under another name with --as NAME (e.g. --as ${name}-burrow), or rename that one (Burrow changed nothing)`,
          'config',
        );
      }
      if (existing !== undefined && existing !== key) doc = removeServer(doc, existing);
      doc = setServer(doc, key, entry);
    }
    return doc;
  });
}

/**
 * Removes Burrow's entry for `remote`, or every entry Burrow wrote when no remote is given (the built-in
 * tools' entry too). Nothing else.
 */
export function planUninstall(ctx: HostConfigContext, host: McpHostId, remote?: string): ConfigPlan {
  const target = hostTarget(host, ctx);
  return plan(target, (doc) => {
    const servers = serversOf(doc);
    for (const key of Object.keys(servers)) {
      const name = burrowRemoteOf(servers[key]);
      const ours = remote === undefined ? name !== undefined || burrowToolsRemotesOf(servers[key]) !== undefined : name === remote;
      if (ours) doc = removeServer(doc, key);
    }
    return doc;
  });
}

/** The default name of the built-in SSH tools' entry in a host's config. */
export const TOOLS_ENTRY_NAME = 'burrow-tools';

/**
 * Adds or refreshes the entry that runs `burrow connect --tools [--remote NAME]…` (the built-in SSH tools for
 * the named remotes, or every tool-enabled one). One such entry per config: an existing one is refreshed where
 * it is, unless `entryName` moves it.
 */
export function planInstallTools(ctx: HostConfigContext, host: McpHostId, remotes: string[], options: InstallOptions = {}): ConfigPlan {
  const target = hostTarget(host, ctx);
  const entryName = options.entryName?.trim();
  if (options.entryName !== undefined && (!entryName || /[\u0000-\u001f]/.test(entryName))) {
    throw new BurrowError(`"${options.entryName}" cannot be a server name: give a non-empty name (--as NAME)`, 'config');
  }
  return plan(target, (doc) => {
    const servers = serversOf(doc);
    const existing = Object.keys(servers).find((k) => burrowToolsRemotesOf(servers[k]) !== undefined);
    const key = entryName ?? existing ?? TOOLS_ENTRY_NAME;
    if (key in servers && burrowToolsRemotesOf(servers[key]) === undefined) {
      throw new BurrowError(
        `${target.configPath} already has a server named "${key}" that is not Burrow's tools entry; install under another name with --as NAME, or rename that one (Burrow changed nothing)`,
        'config',
      );
    }
    if (existing !== undefined && existing !== key) doc = removeServer(doc, existing);
    return setServer(doc, key, burrowToolsEntry(ctx, target, remotes));
  });
}

/** Removes Burrow's tools entry (wherever it is), nothing else. */
export function planUninstallTools(ctx: HostConfigContext, host: McpHostId): ConfigPlan {
  return plan(hostTarget(host, ctx), (doc) => {
    for (const [key, value] of Object.entries(serversOf(doc))) if (burrowToolsRemotesOf(value) !== undefined) doc = removeServer(doc, key);
    return doc;
  });
}

/** What the host runs for the built-in tools: the launcher, then `connect --tools [--remote NAME]…`. */
export function burrowToolsEntry(ctx: HostConfigContext, target: HostTarget, remotes: string[]): JsonObject {
  const entry: JsonObject = target.typed ? { type: 'stdio' } : {};
  entry.command = ctx.launcher.command;
  entry.args = [...ctx.launcher.args, 'connect', '--tools', ...remotes.flatMap((r) => ['--remote', r])];
  if (ctx.launcher.env && Object.keys(ctx.launcher.env).length) entry.env = { ...ctx.launcher.env };
  return entry;
}

/** The remotes a tools entry Burrow wrote names ([] = every tool-enabled remote), or undefined when it is not one. */
export function burrowToolsRemotesOf(entry: unknown): string[] | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const { command, args } = entry as { command?: unknown; args?: unknown };
  if (typeof command !== 'string' || !Array.isArray(args) || !args.every((a) => typeof a === 'string')) return undefined;
  const at = args.lastIndexOf('connect');
  if (at < 0 || args[at + 1] !== '--tools') return undefined;
  const rest = args.slice(at + 2) as string[];
  if (rest.length % 2 !== 0 || rest.some((a, i) => (i % 2 === 0) !== (a === '--remote'))) return undefined;
  const launcher = [command, ...args.slice(0, at)];
  return launcher.some((part) => /burrow/i.test(part)) ? rest.filter((_, i) => i % 2 === 1) : undefined;
}

/**
 * Writes a plan: refuses when the file changed since it was planned (the diff a person saw must be
 * what is written), backs the old file up beside itself (keeping the newest few), then replaces it atomically.
 */
export function applyPlan(plan: ConfigPlan): ConfigPlan {
  const path = writeTarget(plan.path);
  const current = readConfigText(path);
  if (current !== plan.before) {
    throw new BurrowError(`${plan.path} changed since Burrow read it; look at the new diff and try again (Burrow changed nothing)`, 'config');
  }
  if (!plan.changed) return { ...plan };
  const backupPath = existsSync(path) ? backupFile(path) : undefined;
  writeFileAtomic(path, plan.after);
  if (backupPath) pruneBackups(path);
  return { ...plan, backupPath };
}

/** Edits the file's text in place: what Burrow does not touch stays byte for byte (same text: no write, no backup). */
function plan(target: HostTarget, edit: (doc: ConfigDocument) => ConfigDocument): ConfigPlan {
  const before = readConfigText(target.configPath);
  const doc = edit(readDoc(target));
  const after = configText(doc);
  return { host: target.id, path: target.configPath, before, after, changed: after !== before };
}

/** What the host runs for one remote: the launcher, then `connect --remote NAME`. */
export function burrowEntry(ctx: HostConfigContext, target: HostTarget, remote: string): JsonObject {
  const entry: JsonObject = target.typed ? { type: 'stdio' } : {};
  entry.command = ctx.launcher.command;
  entry.args = [...ctx.launcher.args, 'connect', '--remote', remote];
  if (ctx.launcher.env && Object.keys(ctx.launcher.env).length) entry.env = { ...ctx.launcher.env };
  return entry;
}

/**
 * The remote an entry runs when Burrow wrote it, else undefined. Ours means: its arguments end in
 * `connect --remote NAME` and its command or an argument names burrow (bin/burrow.js, the app, `burrow`).
 */
export function burrowRemoteOf(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const { command, args } = entry as { command?: unknown; args?: unknown };
  if (typeof command !== 'string' || !Array.isArray(args) || !args.every((a) => typeof a === 'string')) return undefined;
  const n = args.length;
  if (n < 3 || args[n - 3] !== 'connect' || args[n - 2] !== '--remote') return undefined;
  const launcher = [command, ...args.slice(0, n - 3)];
  return launcher.some((part) => /burrow/i.test(part)) ? (args[n - 1] as string) : undefined;
}
