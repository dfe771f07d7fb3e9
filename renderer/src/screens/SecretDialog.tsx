import { useState, type FormEvent } from 'react';
import type { PendingSecret } from '../../../shared/approvals.js';
import { errorText, useApi } from '../api-context.js';
import { Modal } from '../components/Modal.js';
import { hostPort } from './ApprovalDialog.js';

/**
 * A passphrase or password a connection waits for. The value lives in React state only while typed:
 * it is sent once and cleared, whatever the answer.
 */
export function SecretDialog({ request, position, count }: { request: PendingSecret; position: number; count: number }) {
  const api = useApi();
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const what = request.secret === 'passphrase' ? 'Passphrase' : 'Password';
  const where = `${request.remote}, ${request.user}@${hostPort(request.host, request.port)}`;

  const settle = (call: Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    call.then(
      () => setBusy(false),
      (e) => {
        setBusy(false);
        setError(errorText(e));
      },
    );
  };
  const unlock = (event: FormEvent) => {
    event.preventDefault();
    if (!value) return;
    const secret = value;
    setValue('');
    settle(api.answerSecret(request.id, secret));
  };

  return (
    <Modal labelledBy="secret-title" className="approval">
      <form onSubmit={unlock}>
        <div className="modal-head">
          <div className="key-icon" aria-hidden>
            <svg viewBox="0 0 24 24" width="22" height="22">
              <rect x="5" y="11" width="14" height="9" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
              <path d="M8 11V8a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
          </div>
          <div>
            <h2 id="secret-title" data-testid="secret-title">
              {request.secret === 'passphrase'
                ? `Passphrase for key ${request.keyPath} (${where})`
                : `Password for ${request.user}@${hostPort(request.host, request.port)} (${request.remote})`}
            </h2>
            <p className="muted">
              <strong>{request.remote}</strong> is waiting to connect. Burrow keeps what you enter in memory while it runs and never writes it to
              its settings or logs.
            </p>
          </div>
        </div>
        <div className="field">
          <label htmlFor="secret-value">{what}</label>
          <input
            id="secret-value"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            disabled={busy}
            onChange={(e) => setValue(e.target.value)}
            data-autofocus
          />
        </div>
        {error ? <div className="banner error">{error}</div> : null}
        <div className="modal-actions">
          {count > 1 ? <span className="muted small">{position} of {count}</span> : null}
          <span className="spacer" />
          <button type="button" className="btn" disabled={busy} onClick={() => settle(api.refuseSecret(request.id))}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || !value}>
            Unlock
          </button>
        </div>
      </form>
    </Modal>
  );
}
