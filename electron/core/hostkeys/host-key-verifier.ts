import type { HostKeyPolicy } from '../../../shared/remote.js';
import type { HostKeySource } from '../../../shared/approvals.js';
import type { ApprovalBroker } from '../approvals/approval-broker.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Logger } from '../logging/logger.js';
import type { HostKeyDecision } from '../ssh/ssh-connection.js';
import { displayPath } from '../ssh/auth-plan.js';
import { keyTypeLabel, keyTypeOf, knownHostsName, sha256Fingerprint } from './fingerprint.js';
import type { HostKeyStore, HostKeyVerdict } from './host-key-store.js';

export interface VerifierContext {
  store: HostKeyStore;
  broker: ApprovalBroker;
  audit: AuditLog;
  logger: Logger;
  policy: HostKeyPolicy;
  host: string;
  port: number;
  /** The user's known_hosts files, read but never written. */
  userFiles: string[];
  remoteName?: string;
  approvalTimeoutMs: number;
  onStatus: (message: string) => void;
  /**
   * The person answers on this process's terminal (`connect --host … --host-key-policy ask`): the
   * question there says it all, and neither the app nor `burrow hostkeys` can answer it, so no
   * status line points to them.
   */
  askedOnTerminal?: boolean;
}

const FAILED = 'Host key verification failed.';

/** How a person reads where a key came from. */
export function describeKeySource(source: HostKeySource): string {
  if (source === 'key-server-https') return 'the key server (HTTPS)';
  if (source === 'key-server-http') return 'the key server (plain HTTP)';
  return 'the SSH handshake';
}

/**
 * Applies a remote's policy to a presented key, as OpenSSH's StrictHostKeyChecking does, plus `ask`.
 * A key from the m2m key server is a candidate: under `strict` it is pinned on first use (that is
 * what --use-key-server asks for), and any later different key is refused like a changed host key.
 */
export function makeHostKeyVerifier(ctx: VerifierContext): (keyBlob: Buffer, source?: HostKeySource) => Promise<HostKeyDecision> {
  // The key a person approved for this verifier's connection (approve-once is kept nowhere else).
  let approvedHere: Buffer | undefined;
  return async (keyBlob, source = 'ssh') => {
    const name = knownHostsName(ctx.host, ctx.port);
    const fingerprint = sha256Fingerprint(keyBlob);
    const keyType = keyTypeOf(keyBlob);
    const label = `${keyTypeLabel(keyType)} ${fingerprint}`;
    const offered = source === 'ssh' ? 'it offered' : `${describeKeySource(source)} served`;
    const from = source === 'ssh' ? '' : ` (from ${describeKeySource(source)})`;
    const audit = (verdict: string, detail?: string) =>
      ctx.audit.record({ event: 'host-key', address: name, fingerprint, verdict, detail: detail ?? (source === 'ssh' ? undefined : `source=${source}`) });

    if (ctx.policy === 'insecure') {
      ctx.logger.warn(`INSECURE: host key checking is disabled for ${name}; accepting ${label} without verifying it`);
      audit('accepted-insecure');
      return { ok: true };
    }
    if (approvedHere?.equals(keyBlob)) return { ok: true };
    const verdict: HostKeyVerdict = ctx.store.verify(ctx.host, ctx.port, keyBlob, ctx.userFiles);
    switch (verdict.status) {
      case 'known':
        return { ok: true };
      case 'revoked':
        audit('revoked');
        return { ok: false, message: `${FAILED} The ${label} key of ${name}${from} is marked @revoked in ${displayPath(verdict.match.file)}:${verdict.match.lineNumber}.` };
      case 'cert-authority':
        audit('cert-authority');
        return { ok: false, message: `${FAILED} ${displayPath(verdict.match.file)}:${verdict.match.lineNumber} trusts a @cert-authority for ${name}, but OpenSSH certificates are not supported yet (ssh2 #551); add the host's own key to known_hosts instead.` };
      case 'changed': {
        const old = verdict.expected[0];
        const file = displayPath(old.file);
        audit('changed', `expected ${old.fingerprint} at ${file}:${old.lineNumber}${source === 'ssh' ? '' : `, source=${source}`}`);
        ctx.broker.alert({
          id: `${name} ${fingerprint}`,
          host: ctx.host,
          port: ctx.port,
          remote: ctx.remoteName,
          offeredType: keyType,
          offeredFingerprint: fingerprint,
          expectedFingerprint: old.fingerprint,
          knownAt: `${old.file}:${old.lineNumber}`,
          source,
          time: new Date().toISOString(),
        });
        return {
          ok: false,
          message: `${FAILED} WARNING: the host key for ${name} has CHANGED: ${offered} ${label}, but ${file}:${old.lineNumber} has ${old.fingerprint}. Someone could be intercepting the connection. If you know why it changed, remove the old key (ssh-keygen -R "${name}" -f ${file}) and connect again.`,
        };
      }
      case 'unknown':
        break;
    }
    const keyServerPin = source !== 'ssh' && ctx.policy === 'strict';
    if (ctx.policy === 'accept-new' || keyServerPin) {
      ctx.store.approve(ctx.host, ctx.port, keyBlob, source);
      ctx.logger.warn(`permanently added ${label} for ${name} (${keyServerPin ? `pinned on first use, from ${describeKeySource(source)}` : 'accept-new'})`);
      audit(keyServerPin ? 'pinned-from-key-server' : 'accepted-new');
      return { ok: true };
    }
    if (ctx.policy === 'strict') {
      audit('unknown-refused');
      const files = ctx.userFiles.map(displayPath).join(', ') || 'known_hosts';
      return {
        ok: false,
        message: `${FAILED} No host key is known for ${name} (it offered ${label}) in ${files}. Check that fingerprint with the server's owner, then add the key (ssh-keyscan -p ${ctx.port} ${ctx.host} >> ${ctx.userFiles[0] ?? '~/.ssh/known_hosts'}), or use --use-key-server.`,
      };
    }
    // ask: a person decides, after this handshake is closed; the connection after it meets this key again.
    if (approvedHere) {
      audit('changed-after-approval');
      return {
        ok: false,
        message: `${FAILED} WARNING: ${name} offered ${label} on the connection after its host key ${sha256Fingerprint(approvedHere)} was approved. Someone could be intercepting the connection.`,
      };
    }
    return {
      ok: false,
      message: `the host key of ${name} waits for approval: ${label}${from}`,
      askAfterClose: async () => {
        if (!ctx.askedOnTerminal) ctx.onStatus(`waiting for approval of the host key of ${name}: ${label}${from}; approve it in Burrow or run: burrow hostkeys approve ${fingerprint}`);
        const outcome = await ctx.broker.request(
          { id: `${name} ${fingerprint}`, kind: 'host-key', host: ctx.host, port: ctx.port, keyType, fingerprint, source, remote: ctx.remoteName, requestedAt: new Date().toISOString() },
          ctx.approvalTimeoutMs,
        );
        audit(`approval-${outcome}`);
        if (outcome === 'approve') ctx.store.approve(ctx.host, ctx.port, keyBlob, source);
        if (outcome === 'approve' || outcome === 'approve-once') {
          approvedHere = Buffer.from(keyBlob);
          return { ok: true };
        }
        if (outcome === 'reject') return { ok: false, message: `${FAILED} The host key ${fingerprint} of ${name} was rejected.` };
        const [amount, unit] = ctx.approvalTimeoutMs < 1000 ? [ctx.approvalTimeoutMs, 'ms'] : [Math.round(ctx.approvalTimeoutMs / 1000), 's'];
        const within = `${amount} ${unit}`;
        if (ctx.askedOnTerminal) return { ok: false, message: `${FAILED} Nobody answered the question about the host key ${fingerprint} of ${name} within ${amount}${unit}.` };
        return { ok: false, message: `${FAILED} The host key of ${name} was not approved within ${within} (${label}; burrow hostkeys list shows keys waiting; burrow hostkeys approve FINGERPRINT).` };
      },
    };
  };
}
