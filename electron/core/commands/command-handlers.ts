import { join } from 'node:path';
import type { EngineSettings, EngineStatus, McpHostId } from '../../../shared/api.js';
import type { DeviceListing, SshServerState } from '../../../shared/devices.js';
import { runsNoServer, runsServer, type Remote } from '../../../shared/remote.js';
import type { CommandHandlers } from '../../../shared/commands.js';
import { UI_EVENTS, type BurrowEvent, type EngineEventName } from '../../../shared/events.js';
import { BURROW_VERSION } from '../../../shared/version.js';
import type { Engine } from '../engine.js';
import { BurrowError } from '../errors.js';
import {
  applyPlan,
  defaultHostConfigContext,
  findHostEntries,
  listMcpHosts,
  planInstall,
  planInstallTools,
  planUninstall,
  planUninstallTools,
  removeHostEntries,
  type HostConfigContext,
} from '../hostconfig/host-configs.js';
import type { HostKeyStore } from '../hostkeys/host-key-store.js';
import type { InspectorSessions } from '../inspector/inspector-sessions.js';
import { INSPECTOR_CLIENT_NAME } from '../../../shared/inspector-client.js';
import type { ToolsShared } from '../tools/serve-tools.js';
import { BUILT_IN_TOOLS_TARGET } from '../../../shared/tools.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { DEFAULT_IDLE_TIMEOUT_SEC } from '../app-runtime-defaults.js';
import { readToolAuditTail } from '../audit/tool-audit-reader.js';
import { defaultToolAuditFile } from '../audit/tool-audit.js';
import { burrowHome, logDir } from '../paths.js';
import { DEFAULT_RESUME_WAIT_SEC, type SettingsStore } from '../settings/settings-store.js';
import { checkRemoteUnchanged } from '../settings/remote-unchanged.js';

/** What runs the engine: its kind and start, the web UI's address, and how to stop it. */
export interface EngineHost {
  kind: EngineStatus['kind'];
  startedAt: Date;
  ui?: () => string | undefined;
  /** Asked to stop (`burrow daemon stop`); open sessions are let finish. */
  stop(): void;
  /** Serves the web UI (once) and returns its address. */
  openUi?: () => Promise<string>;
  /** Gives the socket to a starting tray app; open sessions go on here until they end. */
  handOver?: () => void;
}

/** Burrow's SSH server's devices, while that server runs (`burrow daemon --listen`). */
export interface DeviceCommands {
  list(): DeviceListing;
  approve(fingerprint: string, name: string, port?: number): { name: string; port: number };
  reject(fingerprint: string): number;
  forget(name: string): Promise<boolean>;
}

/** The demo remote (Burrow's demo MCP server on its own SSH server), offered on the first screen. */
export interface DemoCommands {
  /** The remote's name ("demo"). */
  readonly name: string;
  /** Serves the demo and saves its remote. */
  enable(): Promise<Remote>;
  /** Removes Burrow's own remote "demo" and stops serving it; false when the remote by that name is a person's own. */
  disable(): Promise<boolean>;
}

/** The window's switch for Burrow's SSH server for devices (remembered across starts). */
export interface SshServerSwitch {
  state(): SshServerState;
  setListen(listen: string | undefined): Promise<SshServerState>;
}

export interface CommandContext {
  settings: SettingsStore;
  hostKeys: HostKeyStore;
  /** Absent when the CLI runs without an engine: commands that need one say so. */
  engine?: Engine;
  host?: EngineHost;
  /** Set once Burrow's SSH server runs; until then device commands say how to start it. */
  devices?: DeviceCommands;
  /** Set by engines that can serve the demo remote (the tray app, `burrow daemon`). */
  demo?: DemoCommands;
  /** Set by engines that run Burrow's SSH server (the tray app, `burrow daemon`). */
  sshServer?: SshServerSwitch;
  /** Where MCP hosts' config files live and what their entries run; the platform's default when absent. */
  hostConfig?: HostConfigContext;
  logger?: Logger;
  /** Burrow's data folder (settings, known_hosts); BURROW_HOME or the default when absent. */
  home?: string;
  /** The built-in tools' audit log; the default file when absent. */
  toolAuditFile?: string;
  /** What the engine's built-in SSH tools sessions share, for the inspector's own one. */
  tools?: ToolsShared;
}

/** The command table's implementation plus what the surfaces that stream events need. */
export interface EngineCommands extends CommandHandlers {
  /** The UI events until the returned function is called; `traffic: false` leaves out relayed messages. */
  subscribe(listener: (event: BurrowEvent) => void, options?: { traffic?: boolean }): () => void;
  close(): void;
}

const noEngine = () =>
  new BurrowError('no Burrow engine is running: start one with "npm start" or "burrow daemon" (burrow connect starts one too)', 'daemon');

/** The one implementation of the command table: Electron IPC, the web bridge and the local socket all call it. */
export function createCommandHandlers(ctx: CommandContext): EngineCommands {
  const { settings, hostKeys } = ctx;
  const logger = ctx.logger ?? silentLogger;
  const need = (): Engine => {
    if (!ctx.engine) throw noEngine();
    return ctx.engine;
  };
  const engine = ctx.engine;
  const devices = (): DeviceCommands => {
    need();
    if (!ctx.devices) throw new BurrowError("Burrow's SSH server for devices is off: turn it on in the window (Remotes, Edge devices) or start burrow daemon --listen [ADDR:]PORT", 'config');
    return ctx.devices;
  };
  // The inspector (and the MCP SDK's client under it) loads at its first use: an engine that only relays never
  // holds it, which keeps the heap every full garbage collection walks a third smaller.
  let inspectorLoad: Promise<InspectorSessions> | undefined;
  let inspectorLoaded: InspectorSessions | undefined;
  const inspector = (): Promise<InspectorSessions> => {
    const live = need();
    inspectorLoad ??= import('../inspector/inspector-sessions.js').then(
      ({ InspectorSessions }) =>
        (inspectorLoaded = new InspectorSessions({
          engine: live,
          settings,
          onCatalogChanged: (remote) => live.events.emit('catalog-changed', { remote }),
          onIdleEnd: (remote, closesAt) => live.events.emit('inspector-session', { remote, closesAt: closesAt?.toISOString() }),
          tools: ctx.tools,
          logger,
        })),
    );
    return inspectorLoad;
  };
  const requireRemote = (name: string) => {
    if (!settings.getRemote(name)) throw new BurrowError(`no remote named "${name}"`, 'config');
  };
  /** What the inspector opens: a saved remote, or the built-in SSH tools. */
  const requireInspectTarget = (name: string) => {
    if (name !== BUILT_IN_TOOLS_TARGET) requireRemote(name);
  };
  /** A host config entry relays the remote's MCP server: one with none of its own is served by the tools entry. */
  const requireRelayedRemote = (name: string) => {
    requireRemote(name);
    if (!runsServer(settings.getRemote(name)!)) throw new BurrowError(`${runsNoServer(name)}: install the built-in SSH tools entry instead`, 'config');
  };
  const remotesChanged = (name?: string) => {
    engine?.events.emit('remotes-changed', {});
    if (name) engine?.status.changed(name);
  };
  const home = ctx.home ?? burrowHome();
  const currentSettings = (): EngineSettings => {
    const saved = settings.tuning();
    const running = engine?.tuning();
    return {
      approvalTimeoutSec: saved.approvalTimeoutSec,
      idleTimeoutSec: running ? Math.round(running.idleTimeoutMs / 1000) : saved.idleTimeoutSec ?? DEFAULT_IDLE_TIMEOUT_SEC,
      prestart: running ? running.prestart : saved.prestart ?? true,
      resumeWaitSec: saved.resumeWaitSec ?? DEFAULT_RESUME_WAIT_SEC,
      paths: { logDir: logDir(), settingsFile: join(home, 'settings.json'), toolAuditFile: ctx.toolAuditFile ?? defaultToolAuditFile(), knownHostsFile: join(home, 'known_hosts') },
    };
  };
  let hostConfig = ctx.hostConfig;
  const hostContext = () => (hostConfig ??= defaultHostConfigContext());
  /** The tools entry serves every tool-enabled remote; with none, installing it would only fail when the host starts it. */
  const toolsEntryPlan = (host: McpHostId, action: 'install' | 'uninstall') => {
    if (action === 'uninstall') return planUninstallTools(hostContext(), host);
    if (!settings.listRemotes().some((r) => r.tools?.enabled)) throw new BurrowError('no saved remote has the built-in SSH tools on: turn them on in a remote first', 'config');
    return planInstallTools(hostContext(), host, []);
  };

  return {
    async engineStatus() {
      const e = need();
      const started = ctx.host?.startedAt ?? new Date();
      return {
        kind: ctx.host?.kind ?? 'daemon',
        pid: process.pid,
        version: BURROW_VERSION,
        startedAt: started.toISOString(),
        uptimeSec: Math.round((Date.now() - started.getTime()) / 1000),
        ui: ctx.host?.ui?.(),
        paused: e.sessions.isPaused(),
        remotes: e.status.all(),
        sessions: e.sessions.list().map((s) => (s.client === INSPECTOR_CLIENT_NAME ? { ...s, inspector: { closesAt: inspectorLoaded?.closesAt(s.remote)?.toISOString() } } : s)),
        toolSessions: e.toolSessions.list(),
        pending: e.broker.pending(),
        alerts: e.broker.alerts(),
        memory: { rssBytes: process.memoryUsage.rss(), heapUsedBytes: process.memoryUsage().heapUsed },
        eventListeners: e.events.listenerCount(),
      };
    },
    async stopEngine() {
      need();
      if (!ctx.host) throw new BurrowError('this engine cannot be stopped from here', 'daemon');
      // After the reply is on its way.
      setImmediate(() => ctx.host!.stop());
      return null;
    },
    async openUi() {
      need();
      if (!ctx.host?.openUi) throw new BurrowError('this engine has no web UI to serve', 'daemon');
      return { url: await ctx.host.openUi() };
    },
    async handOver() {
      need();
      if (!ctx.host?.handOver) throw new BurrowError('this engine cannot hand over its socket', 'daemon');
      // After the reply is on its way.
      setImmediate(() => ctx.host!.handOver!());
      return null;
    },
    async setPaused(paused) {
      need().sessions.setPaused(paused);
      return paused;
    },
    async settings() {
      return currentSettings();
    },
    async saveSettings(patch) {
      settings.saveTuning(patch);
      if (engine) {
        const now = engine.tuning();
        engine.retune({ idleTimeoutMs: patch.idleTimeoutSec !== undefined ? patch.idleTimeoutSec * 1000 : now.idleTimeoutMs, prestart: patch.prestart ?? now.prestart });
      }
      const next = currentSettings();
      logger.info(`settings changed: ${Object.keys(patch).join(', ')}`);
      engine?.events.emit('settings-changed', { settings: next });
      return next;
    },
    async trafficHistory() {
      return need().traffic?.all() ?? [];
    },
    async toolAudit(remote, limit) {
      return readToolAuditTail(ctx.toolAuditFile ?? defaultToolAuditFile(), remote, limit);
    },
    async listRemotes() {
      return settings.listRemotes();
    },
    async remoteStatuses() {
      return need().status.all();
    },
    async saveRemote(remote, replace, expected) {
      if (expected) checkRemoteUnchanged(settings.getRemote(expected.name), expected);
      const saved = settings.saveRemote(remote, { replace });
      // An edited remote reconnects with its new settings on next use.
      inspectorLoaded?.close(saved.name);
      remotesChanged(saved.name);
      return saved;
    },
    async addDemoRemote() {
      need();
      if (!ctx.demo) throw new BurrowError('this engine cannot serve the demo remote', 'daemon');
      const saved = await ctx.demo.enable();
      remotesChanged(saved.name);
      return saved;
    },
    async sshConfigHosts() {
      const { sshConfigHosts } = await import('../sshconfig/ssh-config-picker.js');
      return sshConfigHosts();
    },
    async removeRemote(name) {
      // Burrow's own demo also stops being served; a person's own remote named "demo" is removed like any other.
      const removed = (name === ctx.demo?.name && (await ctx.demo.disable())) || settings.removeRemote(name);
      inspectorLoaded?.close(name);
      // A changed-key alarm about a remote that is gone has nothing left to protect: it is not shown again.
      for (const alert of engine?.broker.alerts() ?? []) if (alert.remote === name) engine!.broker.dismissAlert(alert.id);
      if (removed) remotesChanged();
      return removed;
    },
    async testRemote(remote) {
      const { testConnection } = await import('./connection-test.js');
      return testConnection(remote, { engine: need(), approvalTimeoutMs: settings.approvalTimeoutMs() });
    },
    async catalog(remote) {
      need();
      requireInspectTarget(remote);
      return (await inspector()).catalog(remote);
    },
    async callTool(remote, tool, args) {
      need();
      requireInspectTarget(remote);
      return (await inspector()).callTool(remote, tool, args);
    },
    async getPrompt(remote, prompt, args) {
      need();
      requireInspectTarget(remote);
      return (await inspector()).getPrompt(remote, prompt, args);
    },
    async readResource(remote, uri) {
      need();
      requireInspectTarget(remote);
      return (await inspector()).readResource(remote, uri);
    },
    async complete(remote, ref, argument, value, context) {
      need();
      requireInspectTarget(remote);
      return (await inspector()).complete(remote, ref, argument, value, context);
    },
    async pendingApprovals() {
      // Without an engine nothing can be waiting.
      return engine?.broker.pending() ?? [];
    },
    async answerApproval(id, decision) {
      const answered = need().broker.answer(id, decision);
      if (answered === 0) throw new BurrowError(`no host key waiting for approval has fingerprint ${id}: it is no longer waiting, if it ever was (answered elsewhere, or it timed out; burrow hostkeys list)`, 'config');
      return answered;
    },
    async answerSecret(id, value) {
      if (!need().broker.answerSecret(id, value)) throw noSecretWaiting(id);
      return null;
    },
    async refuseSecret(id) {
      if (!need().broker.refuseSecret(id)) throw noSecretWaiting(id);
      return null;
    },
    async hostKeyAlerts() {
      return engine?.broker.alerts() ?? [];
    },
    async dismissHostKeyAlert(id) {
      return need().broker.dismissAlert(id);
    },
    async knownHostKeys() {
      return hostKeys.listApproved();
    },
    async forgetHostKey(host, port) {
      return hostKeys.forget(host, port);
    },
    async listDevices() {
      return devices().list();
    },
    async approveDevice(fingerprint, name, port) {
      const d = devices().approve(fingerprint, name, port);
      return { name: d.name, port: d.port };
    },
    async rejectDevice(fingerprint) {
      return devices().reject(fingerprint);
    },
    async forgetDevice(name) {
      return devices().forget(name);
    },
    async sshServerState() {
      need();
      return ctx.sshServer?.state() ?? {};
    },
    async setSshServer(listen) {
      need();
      if (!ctx.sshServer) throw new BurrowError("this engine cannot run Burrow's SSH server", 'daemon');
      return ctx.sshServer.setListen(listen);
    },
    async mcpHosts() {
      return listMcpHosts(hostContext(), settings.listRemotes().map((r) => r.name));
    },
    async planInstall(host, remote, options) {
      requireRelayedRemote(remote);
      return planInstall(hostContext(), host, remote, options);
    },
    async install(host, remote, options) {
      requireRelayedRemote(remote);
      const applied = applyPlan(planInstall(hostContext(), host, remote, options));
      logger.info(`installed ${remote} in ${host} (${applied.path})`);
      // The MCP hosts screen follows (burrow install in a terminal, another window).
      remotesChanged();
      return applied;
    },
    async planToolsEntry(host, action) {
      return toolsEntryPlan(host, action);
    },
    async writeToolsEntry(host, action) {
      const applied = applyPlan(toolsEntryPlan(host, action));
      logger.info(`${action === 'install' ? 'installed' : 'removed'} the built-in SSH tools entry in ${host} (${applied.path})`);
      return applied;
    },
    async hostEntries(remote) {
      return findHostEntries(hostContext(), remote);
    },
    async removeHostEntries(remote) {
      const { removed, failed } = removeHostEntries(hostContext(), remote);
      if (removed.length) logger.info(`removed the entries of ${remote} from ${removed.map((p) => p.path).join(', ')}`);
      if (removed.length) remotesChanged();
      return { removed: removed.map((p) => p.path), failed: failed.map((f) => `${f.host}: ${f.error}`) };
    },
    async planUninstall(host, remote) {
      return planUninstall(hostContext(), host, remote);
    },
    async uninstall(host, remote) {
      const applied = applyPlan(planUninstall(hostContext(), host, remote));
      logger.info(`removed ${remote ?? 'Burrow'} from ${host} (${applied.path})`);
      remotesChanged();
      return applied;
    },
    subscribe(listener, options = {}) {
      const bus = need().events;
      const events: readonly EngineEventName[] = options.traffic === false ? UI_EVENTS.filter((e) => e !== 'traffic') : UI_EVENTS;
      const offs = events.map((name) => bus.on(name, (payload) => listener({ type: name, ...payload } as BurrowEvent)));
      return () => offs.forEach((off) => off());
    },
    close() {
      if (inspectorLoaded) inspectorLoaded.closeAll();
      else void inspectorLoad?.then((loaded) => loaded.closeAll());
    },
  };
}

const noSecretWaiting = (id: string) => new BurrowError(`no passphrase or password with id ${id} is waiting (answered elsewhere, or it timed out; burrow secrets list)`, 'config');
