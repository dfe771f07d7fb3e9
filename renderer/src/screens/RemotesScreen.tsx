import { useEffect, useState } from 'react';
import type { ApprovedHostKey } from '../../../shared/api.js';
import { describeRemoteAddress, type Remote } from '../../../shared/remote.js';
import { errorText, useApi } from '../api-context.js';
import { STATE_LABELS, StatusDot } from '../components/StatusDot.js';
import type { EngineState } from '../use-engine-state.js';
import { keyTypeName } from './ApprovalDialog.js';
import { RemoteForm } from './RemoteForm.js';

type Editing = { mode: 'add' } | { mode: 'edit'; remote: Remote } | undefined;

export function RemotesScreen({ state, reload, onInspect }: { state: EngineState; reload: () => void; onInspect: (name: string) => void }) {
  const api = useApi();
  const [editing, setEditing] = useState<Editing>();
  const [confirmRemove, setConfirmRemove] = useState<string>();
  const [error, setError] = useState<string>();
  const [trusted, setTrusted] = useState<ApprovedHostKey[]>([]);
  // Re-read when an approval is answered: a remembered key shows up here.
  useEffect(() => {
    api.knownHostKeys().then(setTrusted, () => setTrusted([]));
  }, [api, state.approvals.length]);

  if (editing) {
    return (
      <RemoteForm
        initial={editing.mode === 'edit' ? editing.remote : undefined}
        existingNames={state.remotes.map((r) => r.name)}
        onDone={() => {
          setEditing(undefined);
          reload();
        }}
      />
    );
  }

  const remove = (name: string) => {
    setConfirmRemove(undefined);
    api.removeRemote(name).then(reload, (e) => setError(errorText(e)));
  };

  return (
    <section className="screen">
      <header className="screen-head">
        <div>
          <h1>Remotes</h1>
          <p className="muted">Machines whose MCP servers your apps use over SSH.</p>
        </div>
        <button className="btn primary" onClick={() => setEditing({ mode: 'add' })}>
          Add remote
        </button>
      </header>
      {error ? <div className="banner error">{error}</div> : null}
      {state.loaded && state.remotes.length === 0 ? (
        <div className="empty">
          <p>No remotes yet.</p>
          <p className="muted">Add the machine where your MCP server runs: its SSH address, and the command that starts the server.</p>
        </div>
      ) : (
        <ul className="list" aria-label="Remotes">
          {state.remotes.map((r) => {
            const status = state.statuses[r.name] ?? { name: r.name, state: 'disconnected' as const, sessions: 0 };
            return (
              <li key={r.name} className="row" data-remote={r.name}>
                <StatusDot state={status.state} />
                <div className="row-main">
                  <div className="row-title">{r.name}</div>
                  <div className="row-sub mono">
                    {describeRemoteAddress(r)} · {r.mode === 'exec' ? r.command : 'shell channel'}
                  </div>
                </div>
                <div className="row-state" title={status.detail}>
                  <span data-testid="remote-state">{STATE_LABELS[status.state]}</span>
                  {status.sessions > 0 ? <span className="muted small"> · {status.sessions} session{status.sessions === 1 ? '' : 's'}</span> : null}
                  {status.detail && status.state === 'error' ? <div className="row-detail">{status.detail}</div> : null}
                </div>
                <div className="row-actions">
                  {confirmRemove === r.name ? (
                    <>
                      <button className="btn small danger" onClick={() => remove(r.name)}>
                        Remove {r.name}
                      </button>
                      <button className="btn small" onClick={() => setConfirmRemove(undefined)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <>
                      <button className="btn small" onClick={() => onInspect(r.name)}>
                        Inspect
                      </button>
                      <button className="btn small" onClick={() => setEditing({ mode: 'edit', remote: r })}>
                        Edit
                      </button>
                      <button className="btn small quiet" onClick={() => setConfirmRemove(r.name)} aria-label={`Remove ${r.name}`}>
                        Remove
                      </button>
                    </>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {trusted.length > 0 ? (
        <section className="trusted" aria-label="Trusted host keys">
          <h2>Host keys you approved</h2>
          <p className="muted small">Kept in Burrow's own known_hosts file; your ~/.ssh/known_hosts is read, never written.</p>
          <table className="plain-table">
            <tbody>
              {trusted.map((k) => (
                <tr key={`${k.host}:${k.port} ${k.fingerprint}`}>
                  <td>{k.port === 22 ? k.host : `${k.host}:${k.port}`}</td>
                  <td>{keyTypeName(k.keyType)}</td>
                  <td className="mono">{k.fingerprint}</td>
                  <td className="muted small">{k.firstSeen ? new Date(k.firstSeen).toLocaleDateString() : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </section>
  );
}
