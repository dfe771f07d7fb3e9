import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { ConfigPlan, McpHostId, McpHostInfo } from '../../../shared/api.js';
import { BurrowError, oneLine } from '../errors.js';
import { backupFile, parseConfigText, readConfigText, serializeConfig, writeFileAtomic, writeTarget, type JsonObject } from './config-file.js';
import { hostTarget, isDetected, MCP_HOST_IDS, type HostTarget } from './host-targets.js';
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

/** Each known MCP host: where its config is, whether it is installed here, and which remotes it runs through Burrow. */
export function listMcpHosts(ctx: HostConfigContext, remoteNames: string[]): McpHostInfo[] {
  return MCP_HOST_IDS.map((id) => {
    const target = hostTarget(id, ctx);
    const info: McpHostInfo = { id, label: target.label, configPath: target.configPath, detected: isDetected(target), installed: [] };
    try {
      const servers = serversOf(target, parseConfigText(target.configPath, readConfigText(target.configPath)));
      const ours = Object.values(servers).map(burrowRemoteOf).filter((n): n is string => n !== undefined);
      // Saved remotes first, in their order; then entries whose remote is gone (uninstall removes them).
      info.installed = [...remoteNames.filter((n) => ours.includes(n)), ...ours.filter((n) => !remoteNames.includes(n)).sort()];
    } catch (error) {
      info.problem = oneLine(error);
    }
    return info;
  });
}

export function planInstall(ctx: HostConfigContext, host: McpHostId, remote: string): ConfigPlan {
  return planInstallMany(ctx, host, [remote]);
}

/** One plan (one diff, one backup) that adds or refreshes Burrow's entry for each remote. */
export function planInstallMany(ctx: HostConfigContext, host: McpHostId, remotes: string[]): ConfigPlan {
  const target = hostTarget(host, ctx);
  return plan(target, (servers) => {
    for (const name of remotes) {
      const entry = burrowEntry(ctx, target, name);
      // An entry of ours for this remote under another key (renamed by hand) is refreshed where it is.
      const key = Object.keys(servers).find((k) => burrowRemoteOf(servers[k]) === name) ?? name;
      if (key in servers && burrowRemoteOf(servers[key]) !== name) {
        throw new BurrowError(
          `${target.configPath} already has a server named "${name}" that Burrow did not write; rename it there, or the remote here, and run this again (Burrow changed nothing)`,
          'config',
        );
      }
      servers[key] = entry;
    }
  });
}

/** Removes Burrow's entry for `remote`, or every entry Burrow wrote when no remote is given. Nothing else. */
export function planUninstall(ctx: HostConfigContext, host: McpHostId, remote?: string): ConfigPlan {
  const target = hostTarget(host, ctx);
  return plan(target, (servers) => {
    for (const key of Object.keys(servers)) {
      const name = burrowRemoteOf(servers[key]);
      if (name !== undefined && (remote === undefined || name === remote)) delete servers[key];
    }
  });
}

/**
 * Writes a plan: refuses when the file changed since it was planned (the diff a person saw must be
 * what is written), backs the old file up beside itself, then replaces it atomically.
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
  return { ...plan, backupPath };
}

function plan(target: HostTarget, edit: (servers: JsonObject) => void): ConfigPlan {
  const before = readConfigText(target.configPath);
  const config = parseConfigText(target.configPath, before);
  const original = JSON.stringify(config);
  const servers = serversOf(target, config);
  edit(servers);
  if (Object.keys(servers).length > 0 || target.serversKey in config) config[target.serversKey] = servers;
  // Same content: keep the file byte for byte (no reformatting, no backup, no write).
  const changed = JSON.stringify(config) !== original;
  return { host: target.id, path: target.configPath, before, after: changed ? serializeConfig(config, before) : before, changed };
}

function serversOf(target: HostTarget, config: JsonObject): JsonObject {
  const servers = config[target.serversKey];
  if (servers === undefined) return {};
  if (servers === null || typeof servers !== 'object' || Array.isArray(servers)) {
    throw new BurrowError(`"${target.serversKey}" in ${target.configPath} is not an object; fix it by hand first (Burrow changed nothing)`, 'config');
  }
  return { ...(servers as JsonObject) };
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
