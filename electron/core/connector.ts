import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client as SshClient } from 'ssh2';
import type { Remote } from '../../shared/remote.js';
import { describeRemoteAddress } from '../../shared/remote-address.js';
import type { ApprovalBroker } from './approvals/approval-broker.js';
import type { AuditLog } from './audit/audit-log.js';
import type { HostKeyStore } from './hostkeys/host-key-store.js';
import { makeHostKeyVerifier } from './hostkeys/host-key-verifier.js';
import { M2M_DEFAULT_KEY, ensureClientKey, exchangeWithKeyServer, publicKeyLine } from './keyserver/key-server-exchange.js';
import type { Logger } from './logging/logger.js';
import { ConnectionSecrets } from './secrets/connection-secrets.js';
import type { SecretKeeper } from './secrets/secret-keeper.js';
import { buildAuthPlan } from './ssh/auth-plan.js';
import type { JumpHostPool, JumpLease } from './ssh/jump-chain.js';
import { openJumpChainFor, type HopPreparations } from './ssh/jump-connect.js';
import { approveThenReconnect } from './ssh/approve-then-reconnect.js';
import { openSshConnection, type HostKeyDecision } from './ssh/ssh-connection.js';

export const DEFAULT_IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f));
export const DEFAULT_KNOWN_HOSTS = join(homedir(), '.ssh', 'known_hosts');

/** Secrets and choices that belong to the one who runs this process (`connect --host`), never to a saved remote. */
export interface ConnectorSecrets {
  passphrase?: string;
  /** Asked when a key needs a passphrase and none was given (a terminal). */
  askPassphrase?: (keyLabel: string) => Promise<string | undefined>;
  password?: () => Promise<string | undefined>;
}

export interface ConnectorDeps {
  broker: ApprovalBroker;
  hostKeys: HostKeyStore;
  audit: AuditLog;
  secrets: SecretKeeper;
  /** Jump-host connections, shared by the remotes behind the same hops. */
  jumpHosts: JumpHostPool;
  /** Where an edge device's live tunnel lands (127.0.0.1:port), or why there is none. */
  tunnelAddress: (device: string) => { host: string; port: number };
  logger: Logger;
  /** How long an unknown host key or a secret may wait for a person, unless a waiting session asks for longer. */
  approvalTimeoutMs: () => number;
  /** Ask a person, through the approval queue, for a passphrase or password (the daemon and the tray app). */
  askForSecrets: boolean;
  /** Unknown host keys are asked about on this process's terminal (`connect --host`): no hint to the app or CLI. */
  hostKeysAskedOnTerminal: boolean;
}

/** For one attempt (the connection test): a look at the host-key decision, and its own timeouts. */
export interface ConnectAttempt {
  onHostKey?: (keyBlob: Buffer, decision: HostKeyDecision) => void;
  connectTimeoutMs?: number;
  approvalTimeoutMs?: number;
}

/** Sessions waiting for this remote's connection: they are told what it waits for, and may wait longer. */
interface Waiter {
  status: (message: string) => void;
  approvalTimeoutMs?: number;
}

/**
 * How to reach one remote: its auth plan, keys and secrets, host-key policy and key server. One per remote, stable
 * across reconnects: a background reconnect uses the remote's own connector, never a session's callbacks. Status lines
 * (waiting for an approval) go to the sessions waiting right now, and to one that starts waiting later.
 */
export class Connector {
  readonly key: string;
  readonly label: string;
  private readonly waiters = new Set<Waiter>();
  private lastStatus?: string;

  constructor(
    readonly remote: Remote,
    private readonly deps: ConnectorDeps,
    private readonly own: ConnectorSecrets = {},
    /** `tools`: a connection apart from the relayed servers' (Burrow's built-in SSH tools). */
    purpose?: 'tools',
  ) {
    const { identityFiles, userFiles } = this.keyFiles();
    this.label = remote.name;
    // Tunnel remotes all live on 127.0.0.1: the device's name keeps two devices from sharing a connection.
    this.key = `${purpose ? `${purpose}|` : ''}${remote.tunnel ? `tunnel:${remote.tunnel.device}|` : ''}${remote.name}|${describeRemoteAddress(remote)}|${remote.mode}:${remote.command ?? ''}|${identityFiles.map((f) => f.path).join(',')}|${remote.hostKeyPolicy}|${userFiles.join(',')}|${remote.keyServer?.enabled ? remote.keyServer.port : ''}|${remote.useAgent}|${remote.usePassword}|${remote.identityAgent ?? ''}|${remote.hostKeyAlias ?? ''}${remote.jump?.length ? `|via ${JSON.stringify(remote.jump)}` : ''}`;
  }

  /** A session waits for this connector's connection; returns the function that stops the waiting. */
  wait(status: (message: string) => void, approvalTimeoutMs?: number): () => void {
    const waiter: Waiter = { status, approvalTimeoutMs };
    this.waiters.add(waiter);
    if (this.lastStatus) status(this.lastStatus);
    return () => {
      this.waiters.delete(waiter);
      if (this.waiters.size === 0) this.lastStatus = undefined;
    };
  }

  private notify(message: string): void {
    this.lastStatus = message;
    for (const w of this.waiters) w.status(message);
  }

  /** The keys to offer and the known_hosts files to read, as OpenSSH would choose them. */
  private keyFiles() {
    const remote = this.remote;
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

  private approvalTimeoutMs(attempt: ConnectAttempt): number {
    if (attempt.approvalTimeoutMs) return attempt.approvalTimeoutMs;
    // A session may ask for its own wait (`connect --approval-timeout`); the longest asked for wins.
    const asked = [...this.waiters].flatMap((w) => (w.approvalTimeoutMs ? [w.approvalTimeoutMs] : []));
    return asked.length ? Math.max(...asked) : this.deps.approvalTimeoutMs();
  }

  /**
   * One new, authenticated SSH connection: the key server (if any), keys and secrets, the host-key policy, then
   * the handshake. The pool uses it for every connection; "Test connection" uses it with `onHostKey`.
   */
  async connect(attempt: ConnectAttempt = {}): Promise<SshClient> {
    const { logger, audit } = this.deps;
    // An edge device is reached where its live tunnel lands; it says so if it has not dialled in.
    const remote = this.remote.tunnel ? { ...this.remote, ...this.deps.tunnelAddress(this.remote.tunnel.device) } : this.remote;
    const { explicit, identityFiles, userFiles } = this.keyFiles();
    const address = describeRemoteAddress(remote);
    const notify = (m: string) => this.notify(m);
    const approvalTimeoutMs = this.approvalTimeoutMs(attempt);
    const asked = this.deps.askForSecrets ? new ConnectionSecrets(this.deps.secrets, remote, approvalTimeoutMs, notify) : undefined;
    const own = this.own;
    // Default keys are asked about only when no agent is tried (the agent usually holds them unlocked).
    const askKeys = !own.askPassphrase && own.passphrase === undefined && (explicit || !(remote.useAgent && process.env.SSH_AUTH_SOCK));
    let jump: JumpLease | undefined;
    try {
      const keyServer = remote.keyServer?.enabled ? remote.keyServer : undefined;
      // The key server is asked first, so an unreachable one fails before a key is generated for it.
      const servedEarly = keyServer ? await ensureClientKey(identityFiles[0].path, logger, { host: remote.host, port: keyServer.port }) : undefined;
      const auth = await buildAuthPlan(
        {
          identityFiles,
          passphrase: own.passphrase,
          askPassphrase: own.askPassphrase ?? (askKeys ? asked?.askPassphrase : undefined),
          useAgent: remote.useAgent,
          agentSocket: remote.identityAgent,
          password: remote.usePassword ? (own.password ?? asked?.password) : undefined,
        },
        (m) => logger.warn(m),
      );
      asked?.keysLoaded(auth.keys.map((k) => k.label));
      const verifyHostKey = makeHostKeyVerifier({
        store: this.deps.hostKeys,
        broker: this.deps.broker,
        audit,
        logger,
        policy: remote.hostKeyPolicy,
        // As OpenSSH: a HostKeyAlias is looked up as given, without the port.
        host: remote.hostKeyAlias ?? remote.host,
        port: remote.hostKeyAlias ? 22 : remote.port,
        userFiles,
        remoteName: remote.name,
        approvalTimeoutMs,
        onStatus: notify,
        askedOnTerminal: this.deps.hostKeysAskedOnTerminal,
      });
      // The key server's key, once accepted, is what the handshake must present (or a key trusted already).
      const served = keyServer
        ? await exchangeWithKeyServer({ host: remote.host, keyServerPort: keyServer.port, clientPublicKey: publicKeyLine(auth.keys[0].key), verify: verifyHostKey, logger, served: servedEarly })
        : undefined;
      const verifyPresented = async (k: Buffer): Promise<HostKeyDecision> => {
        const decision = served?.equals(k) ? ({ ok: true } as const) : await verifyHostKey(k);
        // A key waiting for a person is reported once they have answered.
        if (!decision.ok && decision.askAfterClose) {
          const ask = decision.askAfterClose;
          return {
            ...decision,
            askAfterClose: async () => {
              const answer = await ask();
              attempt.onHostKey?.(k, answer);
              return answer;
            },
          };
        }
        attempt.onHostKey?.(k, decision);
        return decision;
      };
      const connectTimeoutMs = attempt.connectTimeoutMs ?? (remote.connectTimeoutSec ? remote.connectTimeoutSec * 1000 : undefined);
      const keepaliveIntervalMs = remote.keepaliveIntervalSec === undefined ? undefined : remote.keepaliveIntervalSec * 1000;
      // A key that waits for a person closes the connection first; the one after the answer is a new one (and a new jump chain).
      const hops: HopPreparations = new Map();
      const client = await approveThenReconnect(async () => {
        jump?.release();
        jump = undefined;
        if (remote.jump?.length) {
          // Each hop is its own connection with its own host-key check; the next rides a direct-tcpip channel.
          jump = await openJumpChainFor(remote, {
            pool: this.deps.jumpHosts,
            store: this.deps.hostKeys,
            broker: this.deps.broker,
            audit,
            logger,
            approvalTimeoutMs,
            notify,
            defaultIdentityFiles: DEFAULT_IDENTITY_FILES,
            defaultKnownHosts: DEFAULT_KNOWN_HOSTS,
            passphrase: own.passphrase,
            askPassphrase: own.askPassphrase ?? asked?.askPassphrase,
            keysLoaded: asked ? (labels) => asked.keysLoaded(labels) : undefined,
            connectTimeoutMs,
            askedOnTerminal: this.deps.hostKeysAskedOnTerminal,
            prepared: hops,
          });
        }
        return openSshConnection(
          { host: remote.host, port: remote.port, user: remote.user, auth, verifyHostKey: verifyPresented, connectTimeoutMs, keepaliveIntervalMs, sock: jump?.sock },
          logger,
        );
      });
      asked?.connected();
      audit.record({ event: 'connect', remote: remote.name, address, ok: true });
      logger.info(`connected to ${address}`);
      return client;
    } catch (caught) {
      jump?.release();
      const error = asked ? asked.explain(caught) : caught;
      audit.record({ event: 'connect', remote: remote.name, address, ok: false, error: (error as Error).message });
      throw error;
    }
  }
}
