import { useCallback, useEffect, useState } from 'react';
import type { ConfigPlan, McpHostId, McpHostInfo } from '../../../shared/api.js';
import { runsServer, type Remote } from '../../../shared/remote.js';
import { errorText, useApi } from '../api-context.js';
import { Modal } from '../components/Modal.js';
import { DiffView } from './DiffView.js';

interface Pending {
  action: 'install' | 'uninstall';
  host: McpHostInfo;
  /** A remote's entry, or the built-in SSH tools' entry. */
  remote: string | typeof TOOLS;
  plan: ConfigPlan;
}

const TOOLS = Symbol('built-in SSH tools');
const what = (remote: Pending['remote']) => (remote === TOOLS ? "Burrow's SSH tools" : remote);

/** Which MCP apps are on this machine and which remotes each one has; installing shows the diff before writing. */
export function McpHostsScreen({ remotes }: { remotes: Remote[] }) {
  const api = useApi();
  const [hosts, setHosts] = useState<McpHostInfo[]>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const [done, setDone] = useState<string>();

  const load = useCallback(() => {
    api.mcpHosts().then(setHosts, (e) => setError(errorText(e)));
  }, [api]);
  // Every change of the remotes (a new list after each remotes-changed event, from any surface) reads the configs again.
  useEffect(load, [load, remotes]);

  const plan = (action: Pending['action'], host: McpHostInfo, remote: Pending['remote']) => {
    setError(undefined);
    setDone(undefined);
    const request = remote === TOOLS ? api.planToolsEntry(host.id, action) : action === 'install' ? api.planInstall(host.id, remote) : api.planUninstall(host.id, remote);
    request.then((p) => setPending({ action, host, remote, plan: p }), (e) => setError(errorText(e)));
  };
  const write = () => {
    if (!pending) return;
    const { action, host, remote } = pending;
    const run =
      remote === TOOLS ? api.writeToolsEntry(host.id, action) : action === 'install' ? api.install(host.id as McpHostId, remote) : api.uninstall(host.id as McpHostId, remote);
    run.then(
      (applied) => {
        setPending(undefined);
        setDone(`${action === 'install' ? 'Added' : 'Removed'} ${what(remote)} ${action === 'install' ? 'to' : 'from'} ${host.label}.${applied.backupPath ? ` The old file is saved as ${applied.backupPath}.` : ''} Restart ${host.label} to pick it up.`);
        load();
      },
      (e) => setError(errorText(e)),
    );
  };

  return (
    <section className="screen">
      <header className="screen-head">
        <div>
          <h1>MCP hosts</h1>
          <p className="muted">Apps on this machine that can use your remotes. Burrow changes only its own entries in their config files.</p>
        </div>
      </header>
      {error ? <div className="banner error">{error}</div> : null}
      {done ? <div className="banner ok">{done}</div> : null}
      <div className="host-cards">
        {hosts?.map((h) => (
          <article key={h.id} className="host-card" data-host={h.id}>
            <header>
              <h2>{h.label}</h2>
              <span className={`pill ${h.detected ? 'pill-ok' : 'pill-quiet'}`}>{h.detected ? 'Found' : 'Not found'}</span>
            </header>
            <div className="mono small muted path">{h.configPath}</div>
            {h.problem ? <div className="banner error small">{h.problem}</div> : null}
            {entriesOf(remotes, h).length === 0 ? (
              remotes.length === 0 ? <p className="muted small">Add a remote first.</p> : null
            ) : (
              <ul className="host-remotes">
                {entriesOf(remotes, h).map((r) => {
                  const installed = h.installed.includes(r.name);
                  return (
                    <li key={r.name}>
                      <span className="mono">{r.name}</span>
                      {installed && runsServer(r) ? <span className="pill pill-ok">Installed</span> : null}
                      {!runsServer(r) ? <span className="pill pill-error">Runs no MCP server: remove this entry (the tools entry serves it)</span> : null}
                      <span className="spacer" />
                      {installed ? (
                        <button className="btn small quiet" disabled={!!h.problem} onClick={() => plan('uninstall', h, r.name)}>
                          Remove
                        </button>
                      ) : (
                        <button className="btn small" disabled={!!h.problem} onClick={() => plan('install', h, r.name)}>
                          Install
                        </button>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
            {remotes.some((r) => r.tools?.enabled) || h.tools ? (
              <ul className="host-remotes" aria-label={`Built-in SSH tools in ${h.label}`}>
                <li data-tools-entry>
                  <span>Built-in SSH tools</span>
                  {h.tools ? <span className="pill pill-ok">Installed</span> : null}
                  <span className="spacer" />
                  <button className={`btn small${h.tools ? ' quiet' : ''}`} disabled={!!h.problem} onClick={() => plan(h.tools ? 'uninstall' : 'install', h, TOOLS)}>
                    {h.tools ? 'Remove' : 'Install'}
                  </button>
                </li>
              </ul>
            ) : null}
            {h.orphaned.length ? (
              <>
                <p className="muted small">Entries for remotes that are no longer saved (removed or renamed): the host cannot start them.</p>
                <ul className="host-remotes orphaned">
                  {h.orphaned.map((name) => (
                    <li key={name} data-orphan={name}>
                      <span className="mono">{name}</span>
                      <span className="pill pill-quiet">Remote gone</span>
                      <span className="spacer" />
                      <button className="btn small quiet" disabled={!!h.problem} onClick={() => plan('uninstall', h, name)}>
                        Remove
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </article>
        ))}
      </div>
      {pending ? (
        <Modal labelledBy="plan-title" className="wide">
          <h2 id="plan-title">
            {pending.action === 'install' ? `Add ${what(pending.remote)} to ${pending.host.label}` : `Remove ${what(pending.remote)} from ${pending.host.label}`}
          </h2>
          <p className="muted small mono">{pending.plan.path}</p>
          {pending.plan.changed ? (
            <>
              <p className="small">{pending.plan.before ? 'Burrow will write exactly this change, after saving a backup of the file:' : 'Burrow will create the file with:'}</p>
              <DiffView before={pending.plan.before} after={pending.plan.after} />
            </>
          ) : (
            <p>The file has this already: nothing to write.</p>
          )}
          <div className="modal-actions">
            <span className="spacer" />
            <button className="btn" onClick={() => setPending(undefined)}>
              Cancel
            </button>
            <button className="btn primary" onClick={write} disabled={!pending.plan.changed} data-autofocus>
              Write config
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

/**
 * The remotes a host can have an entry of its own for: those that run an MCP server. A remote saved for the built-in
 * tools alone is served by the tools entry; it is listed only when an older entry for it is still there, to remove.
 */
function entriesOf(remotes: Remote[], host: McpHostInfo): Remote[] {
  return remotes.filter((r) => runsServer(r) || host.installed.includes(r.name));
}
