import { join } from 'node:path';
import type { EngineEventMap } from '../../shared/events.js';
import type { Remote } from '../../shared/remote.js';
import { ApprovalBroker } from './approvals/approval-broker.js';
import { AuditLog } from './audit/audit-log.js';
import { Connector, type ConnectorSecrets } from './connector.js';
import { BurrowError } from './errors.js';
import { EventBus } from './events/event-bus.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './framing/line-splitter.js';
import { HostKeyStore } from './hostkeys/host-key-store.js';
import type { Logger } from './logging/logger.js';
import type { HostSession } from './relay/host-session.js';
import type { HostEnd } from './relay/line-end.js';
import { SecretKeeper } from './secrets/secret-keeper.js';
import { SessionManager, type AcceptOptions } from './session-manager.js';
import { TrafficHistory } from './relay/traffic-history.js';
import { ConnectionPool } from './ssh/connection-pool.js';
import { RemoteStatusTracker } from './status/remote-status.js';
import { JumpHostPool } from './ssh/jump-chain.js';
import { ToolHostSessions } from './tools/tool-host-sessions.js';
import { CatalogCache } from './relay/catalog-cache.js';
import { WakeDetector } from './wake-detector.js';

export interface EngineOptions {
  /** Burrow's data folder: approvals (known_hosts) and the audit log live here. */
  home: string;
  logger: Logger;
  /** Daemon: keep connections warm and reconnect; in-process helper: close with the session. */
  keepWarm: boolean;
  /** Start each used remote's next MCP server ahead of time (see ConnectionPool); defaults to keepWarm. */
  prestart?: boolean;
  idleTimeoutMs: number;
  approvalTimeoutMs?: () => number;
  maxMessageBytes?: number;
  /**
   * Ask a person, through the approval queue, for a passphrase or password a session did not bring
   * (the daemon and the tray app). `connect --host` asks on its terminal instead.
   */
  askForSecrets?: boolean;
  /** The saved remotes, so every one of them has a status (none for `connect --host`). */
  remotes?: () => Remote[];
  /** Unknown host keys are asked about on this process's terminal (`connect --host`): no hint to the app or CLI. */
  hostKeysAskedOnTerminal?: boolean;
  /** Keep the last relayed messages for the traffic view (the daemon and the tray app; not `connect --host`). */
  keepTraffic?: boolean;
  /** How long a request waits for a resuming session's remote (`resumeWaitSec`); 30 s by default. */
  resumeWaitMs?: () => number;
}

/**
 * The engine: everything between a connected host and an SSH channel, put together. The Electron main process
 * and `burrow daemon` each run one; `burrow connect --host` runs one in-process.
 * - `events`: the one typed event bus (pool, broker, sessions emit; UIs, tray and status subscribe);
 * - a `Connector` per remote (how to reach it, stable across reconnects), the `ConnectionPool` (connections and
 *   channels), the `SessionManager` (host sessions, pause), the `RemoteStatusTracker` (what a person sees).
 */
export class Engine {
  readonly events: EventBus<EngineEventMap>;
  readonly broker: ApprovalBroker;
  readonly hostKeys: HostKeyStore;
  readonly audit: AuditLog;
  readonly pool: ConnectionPool;
  /** Secrets people entered, in memory for the life of the process (and the tray app's keychain, if any). */
  readonly secrets: SecretKeeper;
  readonly sessions: SessionManager;
  readonly status: RemoteStatusTracker;
  /** Host sessions of the built-in SSH tools (not relayed, so not in `sessions`). */
  readonly toolSessions: ToolHostSessions;
  /** The last relayed messages, when this engine keeps them (keepTraffic). */
  readonly traffic?: TrafficHistory;
  private readonly connectors = new Map<string, Connector>();
  private readonly wake: WakeDetector;
  /** Jump-host connections, shared by the remotes behind the same hops. */
  readonly jumpHosts: JumpHostPool;
  /**
   * Where edge devices' live tunnels are (the embedded SSH server's DeviceRegistry), for remotes with
   * `tunnel: { device }`; unset while that server is off.
   */
  tunnels?: { resolveTunnel(device: string): { host: string; port: number }; liveTunnel(device: string): unknown };

  constructor(private readonly options: EngineOptions) {
    const { logger } = options;
    this.events = new EventBus<EngineEventMap>(logger);
    this.broker = new ApprovalBroker(this.events);
    this.toolSessions = new ToolHostSessions(() => this.events.emit('tool-sessions-changed', {}));
    this.hostKeys = new HostKeyStore(join(options.home, 'known_hosts'));
    this.audit = new AuditLog(join(options.home, 'logs'));
    this.secrets = new SecretKeeper(this.broker, logger);
    this.jumpHosts = new JumpHostPool(logger);
    this.pool = new ConnectionPool({ logger, events: this.events, idleTimeoutMs: options.idleTimeoutMs, keepWarm: options.keepWarm, prestart: options.prestart ?? options.keepWarm });
    this.traffic = options.keepTraffic ? new TrafficHistory() : undefined;
    this.sessions = new SessionManager({
      events: this.events,
      pool: this.pool,
      audit: this.audit,
      logger,
      maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      resumeWaitMs: options.resumeWaitMs ?? (() => 30_000),
      catalogs: new CatalogCache(join(options.home, 'catalogs')),
      history: this.traffic,
    });
    // After a sleep, connections are checked at once rather than when keepalives run out.
    this.wake = new WakeDetector({
      onWake: (lateMs) => {
        logger.info(`woke up (timers ${Math.round(lateMs / 1000)} s late): checking connections`);
        this.pool.checkConnections();
        this.sessions.retryNow();
      },
    });
    this.wake.start();
    this.status = new RemoteStatusTracker(
      options.remotes ?? (() => []),
      () => this.broker.pending(),
      (remote) => this.sessions.appCount(remote),
      (status) => this.events.emit('remote-state', { status }),
      (device) => !!this.tunnels?.liveTunnel(device),
      (remote) => this.sessions.waiting(remote),
    );
    this.events.on('tunnel', (e) => this.status.tunnelChanged(e));
    this.events.on('connection-state', (e) => this.status.connectionState(e.remote, e.state, e.detail));
    this.events.on('session-opened', (e) => this.status.sessionsChanged(e.remote));
    this.events.on('session-closed', (e) => this.status.sessionsChanged(e.remote));
    this.events.on('session-waiting', (e) => this.status.sessionsChanged(e.remote));
    this.events.on('approval-added', (e) => e.approval.remote && this.status.changed(e.approval.remote));
    this.events.on('approval-removed', (e) => e.remote && this.status.changed(e.remote));
  }

  /** The remote's connector: the same one for as long as the remote's settings stay the same. */
  connectorFor(remote: Remote, secrets?: ConnectorSecrets): Connector {
    const candidate = this.newConnector(remote, secrets);
    const existing = this.connectors.get(remote.name);
    if (existing && existing.key === candidate.key) return existing;
    this.connectors.set(remote.name, candidate);
    return candidate;
  }

  /**
   * The connector the built-in SSH tools use for a remote: the same way in, but a connection of its own, so tool
   * channels (exec, shells, SFTP) never take the session slots relayed MCP servers need.
   */
  toolConnectorFor(remote: Remote): Connector {
    const candidate = this.newConnector(remote, undefined, 'tools');
    const existing = this.connectors.get(`tools|${remote.name}`);
    if (existing && existing.key === candidate.key) return existing;
    this.connectors.set(`tools|${remote.name}`, candidate);
    return candidate;
  }

  /** A connector of its own, shared with nobody (the connection test of an unsaved remote). */
  newConnector(remote: Remote, secrets?: ConnectorSecrets, purpose?: 'tools'): Connector {
    return new Connector(
      remote,
      {
        broker: this.broker,
        hostKeys: this.hostKeys,
        audit: this.audit,
        secrets: this.secrets,
        jumpHosts: this.jumpHosts,
        tunnelAddress: (device) => this.tunnelAddress(device),
        logger: this.options.logger,
        approvalTimeoutMs: this.options.approvalTimeoutMs ?? (() => 120_000),
        askForSecrets: this.options.askForSecrets ?? false,
        hostKeysAskedOnTerminal: this.options.hostKeysAskedOnTerminal ?? false,
      },
      secrets,
      purpose,
    );
  }

  /** The idle timeout and prestart this engine runs with now. */
  tuning(): { idleTimeoutMs: number; prestart: boolean } {
    return { idleTimeoutMs: this.options.idleTimeoutMs, prestart: this.options.prestart ?? this.options.keepWarm };
  }

  /** Applies changed settings to the running engine: new idle timers and spares follow them. */
  retune(tuning: { idleTimeoutMs: number; prestart: boolean }): void {
    this.options.idleTimeoutMs = tuning.idleTimeoutMs;
    this.options.prestart = tuning.prestart;
    this.pool.retune(tuning);
  }

  startSession(remote: Remote, host: HostEnd, options: AcceptOptions = {}): HostSession {
    return this.sessions.accept(this.connectorFor(remote), host, options);
  }

  /** A device's live tunnel on 127.0.0.1, or the one-line reason there is none. */
  private tunnelAddress(device: string): { host: string; port: number } {
    if (!this.tunnels) throw new BurrowError(`device ${device} has not dialled in (Burrow's SSH server is off: start it with burrow daemon --listen PORT)`, 'unreachable');
    return this.tunnels.resolveTunnel(device);
  }

  close(): void {
    this.wake.stop();
    this.sessions.abortAll(new BurrowError('Burrow is shutting down', 'daemon'));
    this.pool.closeAll();
    this.jumpHosts.closeAll();
  }
}
