import { useEffect, useState } from 'react';
import type { SshServerState } from '../../../shared/devices.js';
import { errorText, useApi } from '../api-context.js';

const DEFAULT_LISTEN = '127.0.0.1:2222';

/**
 * The switch for Burrow's own SSH server, where edge devices dial in (`ssh -N -R PORT:localhost:22`). Off by default;
 * the engine remembers it and listens again at every start.
 */
export function SshServerSwitch() {
  const api = useApi();
  const [state, setState] = useState<SshServerState>();
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [expanded, setExpanded] = useState(false);
  useEffect(() => {
    api.sshServerState().then(
      (s) => {
        setState(s);
        // Open when there is something to see: it runs, or the remembered address could not be bound.
        setExpanded(!!s.listening || !!s.problem);
        setAddress(s.listening ?? s.remembered ?? DEFAULT_LISTEN);
      },
      (e) => setError(errorText(e)),
    );
  }, [api]);

  const on = !!state?.listening;
  const toggle = (wanted: boolean) => {
    setBusy(true);
    setError(undefined);
    api.setSshServer(wanted ? address.trim() : undefined).then(
      (s) => {
        setState(s);
        setBusy(false);
      },
      (e) => {
        setError(errorText(e));
        setBusy(false);
      },
    );
  };
  if (!state) return error ? <div className="banner error">{error}</div> : null;
  return (
    <details className="ssh-server" aria-label="Edge devices" open={expanded} onToggle={(e) => setExpanded(e.currentTarget.open)}>
      <summary>
        Edge devices: Burrow's SSH server is <strong data-testid="ssh-server-state">{on ? `on, ${state.listening}` : 'off'}</strong>
      </summary>
      <p className="muted small">
        A device behind NAT dials in with <code>ssh -N -R PORT:localhost:22 -p LISTEN_PORT burrow@THIS_MACHINE</code>; approve it with{' '}
        <code>burrow devices approve</code>. Burrow remembers this switch and listens again whenever it starts.
      </p>
      <div className="switch-row">
        <label className="check">
          <input type="checkbox" checked={on} disabled={busy} onChange={(e) => toggle(e.target.checked)} />
          Listen for devices on
        </label>
        <input aria-label="Address" className="mono" value={address} disabled={on || busy} spellCheck={false} onChange={(e) => setAddress(e.target.value)} />
      </div>
      {on && state.fingerprint ? (
        <p className="small">
          Host key for devices to pin: <span className="mono">{state.fingerprint}</span>
        </p>
      ) : null}
      {error || state.problem ? <div className="banner error">{error ?? state.problem}</div> : null}
    </details>
  );
}
