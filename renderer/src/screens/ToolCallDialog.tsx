import { useEffect, useState } from 'react';
import type { ApprovalDecision, PendingToolCall } from '../../../shared/approvals.js';
import { errorText, useApi } from '../api-context.js';
import { Modal } from '../components/Modal.js';

/** Seconds until `expiresAt`, never below 0; undefined when the engine gave no deadline. */
export function secondsLeft(expiresAt: string | undefined, now: number): number | undefined {
  if (!expiresAt) return undefined;
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
}

function timeLeftText(seconds: number): string {
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s left` : `${seconds}s left`;
}

/**
 * A built-in SSH tool call that waits for a person: who asks, where, and exactly what would run.
 * Nothing runs until it is allowed; Deny (or the time running out) gives the model an error.
 */
export function ToolCallDialog({ request, position, count }: { request: PendingToolCall; position: number; count: number }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = secondsLeft(request.expiresAt, now);

  const answer = (decision: ApprovalDecision) => {
    setBusy(true);
    setError(undefined);
    api.answerApproval(request.id, decision).then(
      () => setBusy(false),
      (e) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };

  return (
    <Modal labelledBy="tool-call-title" className="approval wide">
      <div className="modal-head">
        <div className="key-icon" aria-hidden>
          <svg viewBox="0 0 24 24" width="22" height="22">
            <rect x="3" y="4" width="18" height="16" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M7 9l3 3-3 3M12 15h5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </div>
        <div>
          <h2 id="tool-call-title">
            Allow {request.tool} on {request.remote}?
          </h2>
          <p className="muted">
            <strong data-testid="tool-call-client">{request.client ?? 'An MCP host'}</strong> asks to run this through Burrow's SSH tools. Nothing runs until
            you allow it.
          </p>
        </div>
      </div>
      <dl className="facts">
        <dt>Asked by</dt>
        <dd>{request.client ?? 'an MCP host (no name given)'}</dd>
        <dt>Remote</dt>
        <dd data-testid="tool-call-remote">{request.remote}</dd>
        <dt>Tool</dt>
        <dd className="mono" data-testid="tool-call-tool">
          {request.tool}
        </dd>
        <dt>Why asked</dt>
        <dd>{request.reason}</dd>
      </dl>
      <pre className="tool-call-detail mono" data-testid="tool-call-detail">
        {request.detail}
      </pre>
      {error ? <div className="banner error">{error}</div> : null}
      <div className="modal-actions">
        {left !== undefined ? (
          <span className={`small${left <= 15 ? ' warn-text' : ' muted'}`} data-testid="tool-call-time-left">
            {timeLeftText(left)}
          </span>
        ) : null}
        {count > 1 ? <span className="muted small">{position} of {count}</span> : null}
        <span className="spacer" />
        {/* Focus on Deny: a stray Enter must not run a command. */}
        <button className="btn" disabled={busy} onClick={() => answer('reject')} data-autofocus>
          Deny
        </button>
        <button className="btn" disabled={busy} onClick={() => answer('approve')}>
          Allow for this session
        </button>
        <button className="btn primary" disabled={busy} onClick={() => answer('approve-once')}>
          Allow once
        </button>
      </div>
    </Modal>
  );
}
