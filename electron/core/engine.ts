import { EventEmitter } from 'node:events';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Remote } from '../../shared/remote.js';
import { describeRemoteAddress } from '../../shared/remote-address.js';
import { ApprovalBroker } from './approvals/approval-broker.js';
import { AuditLog } from './audit/audit-log.js';
import { BurrowError } from './errors.js';
import { HostKeyStore } from './hostkeys/host-key-store.js';
import { makeHostKeyVerifier } from './hostkeys/host-key-verifier.js';
import type { Logger } from './logging/logger.js';
import { HostSession, type TrafficEvent } from './relay/host-session.js';
import type { HostEnd } from './relay/line-end.js';
import { M2M_DEFAULT_KEY, ensureClientKey, exchangeWithKeyServer, publicKeyLine } from './keyserver/key-server-exchange.js';
import { ConnectionSecrets } from './secrets/connection-secrets.js';
import { SecretKeeper } from './secrets/secret-keeper.js';
import { buildAuthPlan } from './ssh/auth-plan.js';
import { ConnectionPool, type ChannelSpec, type PoolTarget } from './ssh/connection-pool.js';
import { openSshConnection, type HostKeyDecision } from './ssh/ssh-connection.js';
import type { Client as SshClient } from 'ssh2';

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
}

/** For one new connection: where its status lines go, and a look at the host-key decision. */
export interface ConnectOptions extends SessionOptions {
  notify?: (message: string) => void;
  onHostKey?: (keyBlob: Buffer, decision: HostKeyDecision) => void;
  connectTimeoutMs?: number;
}

/** Secrets and choices that belong to one run, never to the saved remote. */
export interface SessionOptions {
  /** How long an unknown host key may wait for a person; the engine's setting otherwise. */
  approvalTimeoutMs?: number;
  passphrase?: string;
  /** Asked when a key needs a passphrase and none was given (a terminal, or the app). */
  askPassphrase?: (keyLabel: string) => Promise<string | undefined>;
  password?: () => Promise<string | undefined>;
}

export const DEFAULT_IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f));
export const DEFAULT_KNOWN_HOSTS = join(homedir(), '.ssh', 'known_hosts');

/**
 * The engine: everything between a connected host and an SSH channel. The Electron main process
 * and `burrow daemon` each run one; `burrow connect --host` runs one in-process.
 */
export class Engine extends EventEmitter {
  readonly broker = new ApprovalBroker();
  readonly hostKeys: HostKeyStore;
  readonly audit: AuditLog;
  readonly pool: ConnectionPool;
  /** Secrets people entered, in memory for the life of the process (and the tray app's keychain, if any). */
  readonly secrets: SecretKeeper;
  private readonly sessions = new Set<HostSession>();
  /** Status lines (waiting for approval) go to every session waiting on the same connection. */
  private readonly waiting = new Map<string, Set<(message: string) => void>>();
  /** The latest such line per connection, for sessions that start waiting after it was said. */
  private readonly lastStatus = new Map<string, string>();
  private nextSessionId = 1;
  /**
   * Where edge devices' live tunnels are (the embedded SSH server's DeviceRegistry), for remotes with
   * `tunnel: { device }`; unset while that server is off.
   */
  tunnels?: { resolveTunnel(device: string): { host: string; port: number }; liveTunnel(device: string): unknown };

  constructor(private readonly options: EngineOptions) {
    super();
    this.hostKeys = new HostKeyStore(join(options.home, 'known_hosts'));
    this.audit = new AuditLog(join(options.home, 'logs'));
    this.secrets = new SecretKeeper(this.broker, options.logger);
    this.pool = new ConnectionPool({ logger: options.logger, idleTimeoutMs: options.idleTimeoutMs, keepWarm: options.keepWarm, prestart: options.prestart ?? options.keepWarm });
    this.pool.on('state', (event) => this.emit('remote-state', event));
  }

  startSession(remote: Remote, host: HostEnd, secrets: SessionOptions = {}): HostSession {
    const target = this.poolTarget(remote, secrets);
    const spec: ChannelSpec = remote.mode === 'exec' ? { mode: 'exec', command: remote.command! } : { mode: 'shell' };
    const session = new HostSession(host, {
      id: this.nextSessionId++,
      remoteLabel: remote.name,
      spec,
      logger: this.options.logger,
      maxLineBytes: this.options.maxMessageBytes,
      openUpstream: async (status) => {
        const waiters = this.waiting.get(target.key) ?? new Set();
        this.waiting.set(target.key, waiters.add(status));
        const said = this.lastStatus.get(target.key);
        if (said) status(said);
        try {
          return await this.pool.openChannel(target, spec);
        } finally {
          waiters.delete(status);
          if (waiters.size === 0) {
            this.waiting.delete(target.key);
            this.lastStatus.delete(target.key);
          }
        }
      },
      tap: () => (this.listenerCount('traffic') > 0 ? (event: TrafficEvent) => this.emit('traffic', event) : undefined),
      onClosed: (s) => {
        this.sessions.delete(s);
        this.audit.record({ event: 'session', remote: remote.name, session: s.id, state: 'closed' });
        this.emit('sessions-changed', remote.name, -1);
      },
    });
    this.sessions.add(session);
    this.audit.record({ event: 'session', remote: remote.name, session: session.id, state: 'open' });
    session.start();
    // (remote, +1|-1): lets the UI count sessions per remote.
    this.emit('sessions-changed', remote.name, +1);
    return session;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  close(): void {
    for (const s of this.sessions) s.abort(new BurrowError('Burrow is shutting down', 'daemon'));
    this.pool.closeAll();
  }

  private poolTarget(remote: Remote, secrets: SessionOptions): PoolTarget {
    const { identityFiles, userFiles } = this.keyFiles(remote);
    // Tunnel remotes all live on 127.0.0.1: the device's name keeps two devices from sharing a connection.
    const key = `${remote.tunnel ? `tunnel:${remote.tunnel.device}|` : ''}${describeRemoteAddress(remote)}|${identityFiles.map((f) => f.path).join(',')}|${remote.hostKeyPolicy}|${userFiles.join(',')}`;
    const notify = (m: string) => {
      this.lastStatus.set(key, m);
      this.waiting.get(key)?.forEach((n) => n(m));
    };
    return { key, label: remote.name, connect: () => this.connectRemote(remote, { ...secrets, notify }) };
  }

  /** A device's live tunnel on 127.0.0.1, or the one-line reason there is none. */
  private tunnelAddress(device: string): { host: string; port: number } {
    if (!this.tunnels) throw new BurrowError(`device ${device} has not dialled in (Burrow's SSH server is off: start it with burrow daemon --listen PORT)`, 'unreachable');
    return this.tunnels.resolveTunnel(device);
  }

  /** The keys to offer and the known_hosts files to read for a remote, as OpenSSH would choose them. */
  private keyFiles(remote: Remote) {
    const keyServer = remote.keyServer?.enabled;
    // The key server needs one key to register: m2m's own, unless the remote names keys.
    const explicit = remote.identityFiles.length > 0 || !!keyServer;
    const paths = remote.identityFiles.length > 0 ? remote.identityFiles : keyServer ? [M2M_DEFAULT_KEY] : DEFAULT_IDENTITY_FILES;
    return {
      explicit,
      identityFiles: paths.map((path) => ({ path, explicit })),
      userFiles: remote.knownHostsPath ? [remote.knownHostsPath] : [DEFAULT_KNOWN_HOSTS],
    };
  }

  /**
   * One new, authenticated SSH connection to a remote: the key server (if any), keys and secrets,
   * the host-key policy, then the handshake. The pool uses it for every connection; "Test connection"
   * uses it with `onHostKey` to report that step on its own.
   */
  async connectRemote(remote: Remote, options: ConnectOptions = {}): Promise<SshClient> {
    if (remote.tunnel) remote = { ...remote, ...this.tunnelAddress(remote.tunnel.device) };
    const logger = this.options.logger;
    const { explicit, identityFiles, userFiles } = this.keyFiles(remote);
    const address = describeRemoteAddress(remote);
    const notify = options.notify ?? (() => {});
    const approvalTimeoutMs = options.approvalTimeoutMs ?? this.options.approvalTimeoutMs?.() ?? 120_000;
    const asked = this.options.askForSecrets ? new ConnectionSecrets(this.secrets, remote, approvalTimeoutMs, notify) : undefined;
    // Default keys are asked about only when no agent is tried (the agent usually holds them unlocked).
    const askKeys = !options.askPassphrase && options.passphrase === undefined && (explicit || !(remote.useAgent && process.env.SSH_AUTH_SOCK));
    try {
      const keyServer = remote.keyServer?.enabled ? remote.keyServer : undefined;
      if (keyServer) ensureClientKey(identityFiles[0].path, logger);
      const auth = await buildAuthPlan(
        {
          identityFiles,
          passphrase: options.passphrase,
          askPassphrase: options.askPassphrase ?? (askKeys ? asked?.askPassphrase : undefined),
          useAgent: remote.useAgent,
          password: remote.usePassword ? (options.password ?? asked?.password) : undefined,
        },
        (m) => logger.warn(m),
      );
      asked?.keysLoaded(auth.keys.map((k) => k.label));
      const verifyHostKey = makeHostKeyVerifier({
        store: this.hostKeys,
        broker: this.broker,
        audit: this.audit,
        logger,
        policy: remote.hostKeyPolicy,
        host: remote.host,
        port: remote.port,
        userFiles,
        remoteName: remote.name,
        approvalTimeoutMs,
        onStatus: notify,
      });
      // The key server's key, once accepted, is what the handshake must present (or a key trusted already).
      const served = keyServer
        ? await exchangeWithKeyServer({ host: remote.host, keyServerPort: keyServer.port, clientPublicKey: publicKeyLine(auth.keys[0].key), verify: verifyHostKey, logger })
        : undefined;
      const verifyPresented = async (k: Buffer): Promise<HostKeyDecision> => {
        const decision = served?.equals(k) ? ({ ok: true } as const) : await verifyHostKey(k);
        options.onHostKey?.(k, decision);
        return decision;
      };
      const client = await openSshConnection(
        { host: remote.host, port: remote.port, user: remote.user, auth, verifyHostKey: verifyPresented, connectTimeoutMs: options.connectTimeoutMs },
        logger,
      );
      asked?.connected();
      this.audit.record({ event: 'connect', remote: remote.name, address, ok: true });
      logger.info(`connected to ${address}`);
      return client;
    } catch (caught) {
      const error = asked ? asked.explain(caught) : caught;
      this.audit.record({ event: 'connect', remote: remote.name, address, ok: false, error: (error as Error).message });
      throw error;
    }
  }
}
