import { userInfo } from 'node:os';
import type { Remote } from '../../../shared/remote.js';
import { DEFAULT_TOOL_POLICY } from '../../../shared/tools.js';
import type { ToolAudit } from '../audit/tool-audit.js';
import type { Engine } from '../engine.js';
import { BurrowError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { LineEndTransport } from '../relay/line-end-transport.js';
import type { HostEnd } from '../relay/line-end.js';
import { approveThroughBroker } from './broker-approval.js';
import type { SudoPasswords } from './sudo-passwords.js';
import type { ToolServerView } from './tool-deps.js';
import { createSshToolServer } from './tool-server.js';

export interface ToolsSessionDeps {
  engine: Engine;
  /** The saved remotes this entry may use (tool-enabled ones, the named ones when names were given). */
  remotes: () => Remote[];
  audit: ToolAudit;
  sudo: SudoPasswords;
  approvalTimeoutMs: () => number;
  /** The setting `tools.allowAdHocHosts`, read at each ssh_connect. */
  allowAdHocHosts: () => boolean;
  logger: Logger;
}

/** What every tools session of one engine shares: its hash-chained audit and the sudo passwords a person gave. */
export type ToolsShared = Pick<ToolsSessionDeps, 'audit' | 'sudo'>;

/**
 * A tools session as `burrow connect --tools [--remote NAME]…` asks for one (or the inspector, with no names):
 * the saved remotes and settings are read again at each use, so an edit applies to the next call.
 */
export function toolsEntryDeps(engine: Engine, settings: SettingsStore, names: string[], shared: ToolsShared, logger: Logger): ToolsSessionDeps {
  return {
    engine,
    remotes: () => toolRemotes(settings.listRemotes(), names, settings.allowAdHocToolHosts()),
    approvalTimeoutMs: () => settings.approvalTimeoutMs(),
    allowAdHocHosts: () => settings.allowAdHocToolHosts(),
    logger,
    ...shared,
  };
}

/** Throws the one-line reason a tools session cannot start now: Burrow is paused, or the entry has no remote to use. */
export function checkToolsEntry(engine: Engine, settings: SettingsStore, names: string[]): void {
  engine.sessions.checkAccepting();
  toolRemotes(settings.listRemotes(), names, settings.allowAdHocToolHosts());
}

/** The remotes a `burrow connect --tools [--remote NAME]…` entry may use, or the one-line reason there are none. */
export function toolRemotes(saved: Remote[], names: string[], allowNone = false): Remote[] {
  const enabled = saved.filter((r) => r.tools?.enabled);
  if (names.length === 0) {
    // With ad-hoc hosts on, an entry is useful without any saved remote.
    if (enabled.length === 0 && !allowNone) throw new BurrowError('no saved remote has the built-in SSH tools on: burrow remote add NAME --host HOST --tools', 'config');
    return enabled;
  }
  return names.map((name) => {
    const remote = saved.find((r) => r.name === name);
    if (!remote) throw new BurrowError(`no remote named "${name}" (burrow remote list)`, 'config');
    if (!remote.tools?.enabled) throw new BurrowError(`remote "${name}" does not have the built-in SSH tools on: burrow remote add ${name} … --tools --replace`, 'config');
    return remote;
  });
}

/**
 * Burrow's built-in SSH tools as the MCP server of one host session: an SDK McpServer in the engine, speaking
 * to the helper's end, acting on the saved remotes through the engine's pool (a connection of their own per
 * remote, so tool channels never take a relayed server's slots), its approval queue and its secrets.
 */
export async function serveTools(host: HostEnd, deps: ToolsSessionDeps): Promise<void> {
  const { engine, logger } = deps;
  // Hosts that are not saved remotes, reached in this host session (tools.allowAdHocHosts).
  const adHoc = new Map<string, Remote>();
  const byName = (name: string) => {
    const remote = deps.remotes().find((r) => r.name === name) ?? adHoc.get(name);
    if (!remote) throw new BurrowError(`no remote named "${name}" for the built-in tools`, 'config');
    return remote;
  };
  // Listed in the engine's status from the start; its id is the host session in audit records too.
  let view: ToolServerView | undefined;
  const entry = engine.toolSessions.add({ client: () => server.server.getClientVersion()?.name, sessions: () => view?.sessions() ?? [] });
  const server = createSshToolServer({
    adHocHost: (target) => {
      if (!deps.allowAdHocHosts()) return undefined;
      const remote = adHocRemote(target);
      adHoc.set(remote.name, remote);
      return remote.name;
    },
    remotes: () => deps.remotes().map((r) => ({ name: r.name, description: r.tools?.description, tags: r.tools?.tags })),
    acquire: (name) => engine.pool.leaseClient(engine.toolConnectorFor(byName(name))),
    approve: (request, signal) => approveThroughBroker(engine.broker, deps.approvalTimeoutMs())(request, signal),
    sudoPassword: (remote, reason) => deps.sudo.get(remote, reason),
    forgetSudoPassword: (remote) => deps.sudo.forget(remote),
    policy: (name) => byName(name).tools?.policy ?? DEFAULT_TOOL_POLICY,
    audit: deps.audit,
    client: () => server.server.getClientVersion() ?? {},
    logger,
    hostSession: entry.id,
    register: (v) => {
      view = v;
      return entry.remove;
    },
    changed: entry.refresh,
  });
  try {
    await server.connect(new LineEndTransport(host, entry.refresh));
  } catch (error) {
    entry.remove();
    throw error;
  }
}

/**
 * A host that is not a saved remote, as a remote of its own: the person's default keys and ssh-agent (never a
 * password or key the model names), and unknown host keys always asked about, whatever the saved remotes say.
 */
export function adHocRemote(target: { host: string; user?: string; port?: number }): Remote {
  const host = target.host.trim();
  if (!/^[A-Za-z0-9._:[\]-]{1,253}$/.test(host)) throw new BurrowError(`"${target.host}" is not a host name or address`, 'config');
  const user = target.user?.trim() || userInfo().username;
  if (!/^[A-Za-z0-9._-][A-Za-z0-9._@-]{0,63}$/.test(user)) throw new BurrowError(`"${target.user}" is not a user name`, 'config');
  const port = target.port ?? 22;
  return {
    name: `${user}@${host}${port === 22 ? '' : `:${port}`}`,
    host,
    port,
    user,
    identityFiles: [],
    useAgent: true,
    usePassword: false,
    mode: 'shell',
    hostKeyPolicy: 'ask',
  };
}
