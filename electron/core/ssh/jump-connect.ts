import type { Remote } from '../../../shared/remote.js';
import type { ApprovalBroker } from '../approvals/approval-broker.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { HostKeyStore } from '../hostkeys/host-key-store.js';
import { makeHostKeyVerifier } from '../hostkeys/host-key-verifier.js';
import type { Logger } from '../logging/logger.js';
import { buildAuthPlan, type AuthPlan } from './auth-plan.js';
import { describeHop, type JumpHostPool, type JumpLease } from './jump-chain.js';
import { openSshConnection, type HostKeyDecision } from './ssh-connection.js';

export interface JumpContext {
  pool: JumpHostPool;
  store: HostKeyStore;
  broker: ApprovalBroker;
  audit: AuditLog;
  logger: Logger;
  approvalTimeoutMs: number;
  notify: (message: string) => void;
  /** Keys to try when neither the hop nor the remote names any (OpenSSH's defaults). */
  defaultIdentityFiles: string[];
  defaultKnownHosts: string;
  passphrase?: string;
  askPassphrase?: (keyLabel: string) => Promise<string | undefined>;
  /** Told which keys loaded for a hop, so passphrases entered for them are kept (or forgotten). */
  keysLoaded?: (labels: string[]) => void;
  connectTimeoutMs?: number;
  /** Unknown host keys are asked about on this process's terminal: no hint to the app or CLI. */
  askedOnTerminal?: boolean;
  /**
   * Each hop's login plan and host-key verifier, kept by the caller across its attempts: a chain opened again after
   * the target's key was approved meets a hop approved once (stored nowhere else) without asking again.
   */
  prepared?: HopPreparations;
}

/** Per hop index: its login plan and host-key verifier. */
export type HopPreparations = Map<number, Promise<{ auth: AuthPlan; verifyHostKey: (keyBlob: Buffer) => Promise<HostKeyDecision> }>>;

/** A hop as the pool sees it: everything that decides its login, so only identical logins are shared. */
interface EffectiveHop {
  host: string;
  port: number;
  user: string;
  identityFiles: string[];
  explicitKeys: boolean;
  knownHostsPath: string;
  hostKeyAlias?: string;
  policy: Remote['hostKeyPolicy'];
  useAgent: boolean;
  identityAgent?: string;
}

/**
 * The stream to a remote through its jump hosts (`remote.jump`), each hop its own SSH login with its
 * own host-key check under the remote's policy. A hop without keys of its own uses the remote's keys,
 * and without a known_hosts file of its own the remote's.
 */
export function openJumpChainFor(remote: Remote, ctx: JumpContext): Promise<JumpLease> {
  const hops: EffectiveHop[] = (remote.jump ?? []).map((hop) => {
    const keys = hop.identityFiles ?? (remote.identityFiles.length ? remote.identityFiles : undefined);
    return {
      host: hop.host,
      port: hop.port,
      user: hop.user,
      identityFiles: keys?.length ? keys : ctx.defaultIdentityFiles,
      explicitKeys: !!keys?.length,
      knownHostsPath: hop.knownHostsPath ?? remote.knownHostsPath ?? ctx.defaultKnownHosts,
      hostKeyAlias: hop.hostKeyAlias,
      policy: hop.hostKeyPolicy ?? remote.hostKeyPolicy,
      useAgent: remote.useAgent,
      identityAgent: remote.identityAgent,
    };
  });
  // One login plan and one verifier per hop: a retry after a host-key approval meets the same verifier.
  const prepared: HopPreparations = ctx.prepared ?? new Map();
  const prepare = (hop: EffectiveHop, index: number) => {
    let ready = prepared.get(index);
    if (!ready) {
      ready = (async () => {
        const auth = await buildAuthPlan(
          {
            identityFiles: hop.identityFiles.map((path) => ({ path, explicit: hop.explicitKeys })),
            passphrase: ctx.passphrase,
            askPassphrase: ctx.askPassphrase,
            useAgent: hop.useAgent,
            agentSocket: hop.identityAgent,
          },
          (m) => ctx.logger.warn(m),
        );
        ctx.keysLoaded?.(auth.keys.map((k) => k.label));
        const verifyHostKey = makeHostKeyVerifier({
          store: ctx.store,
          broker: ctx.broker,
          audit: ctx.audit,
          logger: ctx.logger,
          policy: hop.policy,
          // As OpenSSH: a HostKeyAlias is looked up as given, without the port.
          host: hop.hostKeyAlias ?? hop.host,
          port: hop.hostKeyAlias ? 22 : hop.port,
          userFiles: [hop.knownHostsPath],
          remoteName: remote.name,
          approvalTimeoutMs: ctx.approvalTimeoutMs,
          onStatus: ctx.notify,
          askedOnTerminal: ctx.askedOnTerminal,
        });
        return { auth, verifyHostKey };
      })();
      prepared.set(index, ready);
    }
    return ready;
  };
  return ctx.pool.open(hops, { host: remote.host, port: remote.port }, async (hop, sock, index) => {
    const { auth, verifyHostKey } = await prepare(hop, index);
    const client = await openSshConnection(
      { host: hop.host, port: hop.port, user: hop.user, auth, verifyHostKey, sock, connectTimeoutMs: ctx.connectTimeoutMs },
      ctx.logger,
    );
    ctx.audit.record({ event: 'connect', remote: remote.name, address: `${describeHop(hop)} (jump host)`, ok: true });
    return client;
  });
}
