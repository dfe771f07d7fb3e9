import { useEffect, useRef, useState } from 'react';
import type { HostKeyAlert } from '../../../shared/approvals.js';
import { errorText, useApi } from '../api-context.js';
import { SOURCE_LABELS, hostPort, keyTypeName } from './ApprovalDialog.js';

function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * A CHANGED host key is not a question: the connection was refused, and this screen says so loudly.
 * Its only action is to disconnect; replacing the key takes a deliberate step outside this screen.
 */
export function HostKeyAlarm({ alert, more }: { alert: HostKeyAlert; more: number }) {
  const api = useApi();
  const [error, setError] = useState<string>();
  const disconnect = useRef<HTMLButtonElement>(null);
  useEffect(() => disconnect.current?.focus(), [alert.id]);
  const file = alert.knownAt.replace(/:\d+$/, '');
  return (
    <div className="alarm" role="alertdialog" aria-labelledby="alarm-title" aria-describedby="alarm-what">
      <div className="alarm-band">
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden>
          <path d="M12 3 2 21h20L12 3z" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
          <path d="M12 10v5m0 3v.01" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
        </svg>
        <h1 id="alarm-title">The host key of {hostPort(alert.host, alert.port)} has CHANGED</h1>
      </div>
      <div className="alarm-body">
        <p id="alarm-what" className="alarm-lead">
          {alert.remote ? <strong>{alert.remote}</strong> : 'This server'} presented a different key from the one Burrow knows. Someone may be
          intercepting the connection (a man-in-the-middle attack), or the server was reinstalled. <strong>Burrow refused to connect.</strong>
        </p>
        <dl className="facts alarm-facts">
          <dt>Host</dt>
          <dd>{hostPort(alert.host, alert.port)}</dd>
          <dt>Expected</dt>
          <dd className="mono" data-testid="alarm-expected">
            {alert.expectedFingerprint}
            <div className="muted small">known in {alert.knownAt}</div>
          </dd>
          <dt>Offered</dt>
          <dd className="mono offered" data-testid="alarm-offered">
            {keyTypeName(alert.offeredType)} {alert.offeredFingerprint}
          </dd>
          <dt>Source</dt>
          <dd>{SOURCE_LABELS[alert.source]}</dd>
          <dt>When</dt>
          <dd>{new Date(alert.time).toLocaleString()}</dd>
        </dl>
        {error ? <div className="banner error">{error}</div> : null}
        <div className="alarm-actions">
          <button ref={disconnect} className="btn danger big" onClick={() => api.dismissHostKeyAlert(alert.id).catch((e) => setError(errorText(e)))}>
            Disconnect
          </button>
          {more > 0 ? <span className="muted">{more} more</span> : null}
        </div>
        <details className="alarm-howto">
          <summary>I know why the key changed</summary>
          <p>
            Confirm the new fingerprint with the server's owner first. Then remove the old key and connect again; Burrow will ask about the new
            one:
          </p>
          <pre className="mono">ssh-keygen -R "{knownHostsName(alert.host, alert.port)}" -f {file}</pre>
        </details>
      </div>
    </div>
  );
}
