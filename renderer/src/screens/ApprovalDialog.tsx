import { useEffect, useState } from 'react';
import type { ApprovalDecision, HostKeySource, PendingHostKey } from '../../../shared/approvals.js';
import { errorText, useApi } from '../api-context.js';
import { Modal } from '../components/Modal.js';

export const SOURCE_LABELS: Record<HostKeySource, string> = {
  ssh: 'SSH handshake',
  'key-server-https': 'Key server over HTTPS',
  'key-server-http': 'Key server over plain HTTP (not authenticated)',
};

/** `ssh-ed25519` → `ED25519`, as OpenSSH names key types to people. */
export function keyTypeName(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (type === 'ssh-rsa') return 'RSA';
  if (type === 'ssh-dss') return 'DSA';
  return type;
}

export function hostPort(host: string, port: number): string {
  return port === 22 ? host : `${host}:${port}`;
}

/** A host key Burrow has not seen: a question, asked calmly, with what a person needs to check it. */
export function ApprovalDialog({ approval, position, count }: { approval: PendingHostKey; position: number; count: number }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  // The demo's key is Burrow's own: the dialog says so instead of asking for an owner's fingerprint nobody has.
  const [burrowsOwn, setBurrowsOwn] = useState(false);
  useEffect(() => {
    let current = true;
    setBurrowsOwn(false);
    api.sshServerState().then(
      (state) => current && setBurrowsOwn(state.demoFingerprint === approval.fingerprint),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [api, approval.fingerprint]);
  const answer = (decision: ApprovalDecision) => {
    setBusy(true);
    api.answerApproval(approval.id, decision).then(
      () => setBusy(false),
      (e) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };
  return (
    <Modal labelledBy="approval-title" className="approval">
      <div className="modal-head">
        <div className="key-icon" aria-hidden>
          <svg viewBox="0 0 24 24" width="22" height="22">
            <circle cx="8" cy="12" r="4" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M12 12h9m-3 0v3m-3-3v2" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
        </div>
        <div>
          <h2 id="approval-title">Trust this server?</h2>
          <p className="muted" data-testid="approval-advice">
            {approval.remote ? <strong>{approval.remote}</strong> : 'A connection'} is waiting.{' '}
            {burrowsOwn
              ? "This is the demo server Burrow runs on this computer, and the fingerprint is Burrow's own key: Remember is safe."
              : "Burrow has not seen this host key before: compare the fingerprint with the one the server's owner gave you."}
          </p>
        </div>
      </div>
      <dl className="facts">
        <dt>Host</dt>
        <dd data-testid="approval-host">{hostPort(approval.host, approval.port)}</dd>
        <dt>Key type</dt>
        <dd>{keyTypeName(approval.keyType)}</dd>
        <dt>Fingerprint</dt>
        <dd className="mono fingerprint" data-testid="approval-fingerprint">
          {approval.fingerprint}
        </dd>
        <dt>Source</dt>
        <dd className={approval.source === 'key-server-http' ? 'warn-text' : undefined}>{SOURCE_LABELS[approval.source]}</dd>
      </dl>
      {error ? <div className="banner error">{error}</div> : null}
      <div className="modal-actions">
        {count > 1 ? <span className="muted small">{position} of {count}</span> : null}
        <span className="spacer" />
        <button className="btn" disabled={busy} onClick={() => answer('reject')}>
          Reject
        </button>
        <button className="btn" disabled={busy} onClick={() => answer('approve-once')}>
          Approve once
        </button>
        <button className="btn primary" disabled={busy} onClick={() => answer('approve')} data-autofocus>
          Remember
        </button>
      </div>
    </Modal>
  );
}
