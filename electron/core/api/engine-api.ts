import type { EventEmitter } from 'node:events';
import type { z } from 'zod';
import type { BurrowApi, BurrowEvent, McpHostId, RemoteStatus, TrafficEntry } from '../../../shared/api.js';
import type { ApprovalDecision, HostKeyAlert, PendingApproval } from '../../../shared/approvals.js';
import { remoteSchema } from '../../../shared/remote.js';
import type { Engine } from '../engine.js';
import { BurrowError } from '../errors.js';
import { applyPlan, defaultHostConfigContext, listMcpHosts, planInstall, planUninstall, type HostConfigContext } from '../hostconfig/host-configs.js';
import { InspectorSessions } from '../inspector/inspector-sessions.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { BurrowService } from '../service.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { PoolStateEvent } from '../ssh/connection-pool.js';
import { testConnection } from './connection-test.js';
import { EventHub } from './event-hub.js';
import { RemoteStatusTracker } from './remote-status.js';

export interface EngineApiDeps {
  engine: Engine;
  service: BurrowService;
  settings: SettingsStore;
  /** Where MCP hosts' config files live and what their entries run; the platform's default when absent. */
  hostConfig?: HostConfigContext;
  logger?: Logger;
}

/** BurrowApi plus the teardown the bridge's owner calls when it stops. */
export interface EngineApi extends BurrowApi {
  close(): void;
}

/** What the trust layer adds to the broker for CHANGED keys; optional until it is there. */
interface AlertSource {
  alerts?: () => HostKeyAlert[];
  dismissAlert?: (id: string) => void;
}

type RemoteInput = z.input<typeof remoteSchema>;

/** The one implementation of BurrowApi: the Electron preload bridge and the daemon's web bridge both call it. */
export function createEngineApi(deps: EngineApiDeps): EngineApi {
  const { engine, service, settings } = deps;
  const logger = deps.logger ?? silentLogger;
  const broker = engine.broker as typeof engine.broker & AlertSource;

  const onTraffic = (entry: TrafficEntry) => hub.emit({ type: 'traffic', entry });
  const hub = new EventHub({
    // The relay taps messages only while this listener exists: nobody watching costs nothing.
    onFirst: () => engine.on('traffic', onTraffic),
    onLast: () => engine.off('traffic', onTraffic),
  });
  const status = new RemoteStatusTracker(
    settings,
    () => broker.pending(),
    (s: RemoteStatus) => hub.emit({ type: 'remote-state', status: s }),
    (device) => !!engine.tunnels?.liveTunnel(device),
  );
  const inspector = new InspectorSessions({ engine, settings, onCatalogChanged: (remote) => hub.emit({ type: 'catalog-changed', remote }) });

  const onPoolState = (e: PoolStateEvent) => status.poolState(e);
  const onSessions = (remote: string, delta: number) => status.sessionsChanged(remote, delta);
  const onAdded = (item: PendingApproval) => {
    hub.emit({ type: 'approval-added', approval: item });
    status.approvalsChanged(item.remote);
  };
  const onRemoved = (item: PendingApproval, outcome: ApprovalDecision | 'timeout') => {
    hub.emit({ type: 'approval-removed', id: item.id, outcome });
    status.approvalsChanged(item.remote);
  };
  const onTunnel = (e: { device: string; state: 'up' | 'down' }) => status.tunnelChanged(e);
  const onAlert = (alert: HostKeyAlert) => hub.emit({ type: 'host-key-alert', alert });
  const onAlertDismissed = (id: string) => hub.emit({ type: 'host-key-alert-dismissed', id });
  // Every engine and broker event this API listens to, so close() undoes exactly what was done here.
  const listeners: [EventEmitter, string, Parameters<EventEmitter['on']>[1]][] = [
    [engine, 'remote-state', onPoolState],
    [engine, 'sessions-changed', onSessions],
    [engine, 'tunnel', onTunnel],
    [broker, 'added', onAdded],
    [broker, 'removed', onRemoved],
    [broker, 'alert', onAlert],
    [broker, 'alert-dismissed', onAlertDismissed],
  ];
  for (const [emitter, event, listener] of listeners) emitter.on(event, listener);

  const remotesChanged = (name: string) => {
    hub.emit({ type: 'remotes-changed' });
    hub.emit({ type: 'remote-state', status: status.status(name) });
  };
  const requireRemote = (name: string) => {
    if (!settings.getRemote(name)) throw new BurrowError(`no remote named "${name}"`, 'config');
  };
  let hostConfig = deps.hostConfig;
  const hostContext = () => (hostConfig ??= defaultHostConfigContext());

  return {
    async listRemotes() {
      return service.listRemotes();
    },
    async remoteStatuses() {
      return status.all();
    },
    async saveRemote(input: RemoteInput, replace: boolean) {
      const saved = service.addRemote(remoteSchema.parse(input), replace);
      // An edited remote reconnects with its new settings on next use.
      inspector.close(saved.name);
      remotesChanged(saved.name);
      return saved;
    },
    async removeRemote(name: string) {
      const removed = service.removeRemote(name);
      inspector.close(name);
      if (removed) hub.emit({ type: 'remotes-changed' });
      return removed;
    },
    async testRemote(input: RemoteInput) {
      return testConnection(remoteSchema.parse(input), { engine, approvalTimeoutMs: settings.approvalTimeoutMs() });
    },
    async catalog(remote: string) {
      requireRemote(remote);
      return inspector.catalog(remote);
    },
    async callTool(remote: string, tool: string, args: Record<string, unknown>) {
      requireRemote(remote);
      return inspector.callTool(remote, tool, args);
    },
    async pendingApprovals() {
      return broker.pending();
    },
    async answerApproval(id: string, decision: ApprovalDecision) {
      const answered = broker.answer(id, decision);
      if (answered === 0) throw new BurrowError('that approval is no longer waiting (answered elsewhere, or it timed out)', 'config');
      return answered;
    },
    async answerSecret(id: string, value: string) {
      service.answerSecret(id, value);
    },
    async refuseSecret(id: string) {
      service.refuseSecret(id);
    },
    async hostKeyAlerts() {
      return broker.alerts?.() ?? [];
    },
    async dismissHostKeyAlert(id: string) {
      broker.dismissAlert?.(id);
    },
    async knownHostKeys() {
      return engine.hostKeys.listApproved();
    },
    async mcpHosts() {
      return listMcpHosts(hostContext(), settings.listRemotes().map((r) => r.name));
    },
    async planInstall(host: McpHostId, remote: string) {
      requireRemote(remote);
      return planInstall(hostContext(), host, remote);
    },
    async install(host: McpHostId, remote: string) {
      requireRemote(remote);
      const applied = applyPlan(planInstall(hostContext(), host, remote));
      logger.info(`installed ${remote} in ${host} (${applied.path})`);
      return applied;
    },
    async planUninstall(host: McpHostId, remote?: string) {
      return planUninstall(hostContext(), host, remote);
    },
    async uninstall(host: McpHostId, remote?: string) {
      const applied = applyPlan(planUninstall(hostContext(), host, remote));
      logger.info(`removed ${remote ?? 'Burrow'} from ${host} (${applied.path})`);
      return applied;
    },
    subscribe(listener: (event: BurrowEvent) => void) {
      return hub.subscribe(listener);
    },
    close() {
      inspector.closeAll();
      for (const [emitter, event, listener] of listeners) emitter.off(event, listener);
      engine.off('traffic', onTraffic);
    },
  };
}
