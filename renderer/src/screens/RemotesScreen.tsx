import { useState } from 'react';
import type { HostEntries } from '../../../shared/api.js';
import { describeRemoteAddress, type Remote } from '../../../shared/remote.js';
import { errorText, useApi } from '../api-context.js';
import { STATE_LABELS, StatusDot } from '../components/StatusDot.js';
import type { EngineState } from '../use-engine-state.js';
import { FirstStart } from './FirstStart.js';
import { RemoteForm } from './RemoteForm.js';
import { SshServerSwitch } from './SshServerSwitch.js';

/** Burrow's own demo remote (the first start's offer), not a person's remote that happens to be named "demo". */
const isDemo = (r: Remote) => r.name === 'demo' && r.host === '127.0.0.1' && r.user === 'demo' && r.command === 'burrow-demo';

type Editing = { mode: 'add' } | { mode: 'edit'; remote: Remote } | undefined;
/** A removal being confirmed: the MCP host configs that still hold the remote (read when Remove is pressed). */
type Removing = { name: string; found?: HostEntries[]; unreadable?: string[] };

export function RemotesScreen({ state, reload, onInspect }: { state: EngineState; reload: () => void; onInspect: (name: string) => void }) {
  const api = useApi();
  const [editing, setEditing] = useState<Editing>();
  const [removing, setRemoving] = useState<Removing>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

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

  const askRemove = (name: string) => {
    setNotice(undefined);
    setRemoving({ name });
    api.hostEntries(name).then(
      ({ found, unreadable }) => setRemoving((r) => (r?.name === name ? { name, found, unreadable } : r)),
      () => setRemoving((r) => (r?.name === name ? { name, found: [] } : r)),
    );
  };
  // The host entries go first: a remote already gone would leave them unnamed in the message.
  const remove = async (name: string, withEntries: boolean) => {
    setRemoving(undefined);
    setError(undefined);
    try {
      let note = '';
      if (withEntries) {
        const { removed, failed } = await api.removeHostEntries(name);
        note = removed.length ? ` Its entries were removed from ${removed.join(', ')}.` : '';
        if (failed.length) note += ` Not removed: ${failed.join('; ')}.`;
      }
      await api.removeRemote(name);
      setNotice(`Removed ${name}.${note}`);
      reload();
    } catch (e) {
      setError(errorText(e));
    }
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
      {notice ? <div className="banner ok">{notice}</div> : null}
      {state.loaded && state.remotes.length === 0 ? (
        <FirstStart onAdded={reload} />
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
                    {describeRemoteAddress(r)} · {r.mode === 'exec' ? r.command : r.mode === 'shell' ? 'shell channel' : 'built-in SSH tools only'}
                  </div>
                  {isDemo(r) ? <div className="row-sub small">Burrow's built-in demo: Inspect it to call its tools; remove it when you no longer need it.</div> : null}
                </div>
                <div className="row-state" title={status.detail}>
                  <span data-testid="remote-state">{STATE_LABELS[status.state]}</span>
                  {status.sessions > 0 ? <span className="muted small"> · {status.sessions} session{status.sessions === 1 ? '' : 's'}</span> : null}
                  {status.detail && status.state === 'error' ? <div className="row-detail">{status.detail}</div> : null}
                </div>
                <div className="row-actions">
                  {removing?.name === r.name ? (
                    <RemoveConfirm removing={removing} onRemove={(withEntries) => void remove(r.name, withEntries)} onKeep={() => setRemoving(undefined)} />
                  ) : (
                    <>
                      {/* A host with no MCP server of its own opens the built-in tools (InspectorScreen). */}
                      <button className="btn small" onClick={() => onInspect(r.name)}>
                        Inspect
                      </button>
                      <button className="btn small" onClick={() => setEditing({ mode: 'edit', remote: r })}>
                        Edit
                      </button>
                      <button className="btn small quiet" onClick={() => askRemove(r.name)} aria-label={`Remove ${r.name}`}>
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
      <SshServerSwitch />
    </section>
  );
}

/** Confirms a removal; when MCP host configs hold the remote, says which and offers to remove those entries too. */
function RemoveConfirm({ removing, onRemove, onKeep }: { removing: Removing; onRemove: (withEntries: boolean) => void; onKeep: () => void }) {
  const { name, found, unreadable } = removing;
  if (!found) return <span className="muted small">Checking your MCP apps…</span>;
  return (
    <div className="remove-confirm" role="group" aria-label={`Remove ${name}?`}>
      {found.length ? (
        <div className="remove-entries" data-testid="remove-host-entries">
          {name} is in these MCP apps' configs; left there, they would start nothing:
          <ul>
            {found.map((h) => (
              <li key={h.configPath}>
                {h.label} <span className="mono muted small">{h.configPath}</span>
                {h.entries.length > 1 || h.entries[0] !== name ? <span className="muted small"> (as {h.entries.join(', ')})</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {unreadable?.length ? <div className="muted small">Could not read: {unreadable.join('; ')}</div> : null}
      {found.length ? (
        <>
          <button className="btn small danger" onClick={() => onRemove(true)}>
            Remove {name} and its entries
          </button>
          <button className="btn small" onClick={() => onRemove(false)}>
            Remove {name} only
          </button>
        </>
      ) : (
        <button className="btn small danger" onClick={() => onRemove(false)}>
          Remove {name}
        </button>
      )}
      <button className="btn small" onClick={onKeep}>
        Keep
      </button>
    </div>
  );
}
