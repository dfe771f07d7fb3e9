import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../shared/api.js';
import { errorText, useApi } from '../api-context.js';

/** Which MCP host sessions use which remote right now: read once, then again on every session event. */
export function SessionsScreen() {
  const api = useApi();
  const [sessions, setSessions] = useState<SessionInfo[]>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api.engineStatus().then(
      (s) => {
        setSessions(s.sessions);
        setError(undefined);
      },
      (e) => setError(errorText(e)),
    );
  }, [api]);
  useEffect(() => {
    load();
    return api.subscribe((event) => {
      // remotes-changed: also what the web bridge sends after reconnecting to a (maybe restarted) engine.
      if (event.type === 'session-opened' || event.type === 'session-closed' || event.type === 'session-named' || event.type === 'session-waiting' || event.type === 'remotes-changed') load();
    }, { traffic: false });
  }, [api, load]);

  const byRemote = new Map<string, SessionInfo[]>();
  for (const s of sessions ?? []) byRemote.set(s.remote, [...(byRemote.get(s.remote) ?? []), s]);

  return (
    <section className="screen">
      <header className="screen-head">
        <div>
          <h1>Sessions</h1>
          <p className="muted">MCP apps connected through Burrow now, and the remote each one uses.</p>
        </div>
      </header>
      {error ? <div className="banner error">{error}</div> : null}
      {sessions && sessions.length === 0 ? (
        <div className="empty">
          <p>No MCP app is connected.</p>
          <p className="muted">When an app starts a server Burrow installed for it, its session shows here.</p>
        </div>
      ) : null}
      {[...byRemote.entries()].map(([remote, list]) => (
        <section key={remote} className="settings-section" aria-label={`Sessions on ${remote}`} data-sessions-remote={remote}>
          <h2>
            {remote} <span className="muted small">· {list.length} session{list.length === 1 ? '' : 's'}</span>
          </h2>
          <table className="plain-table sessions-table">
            <thead>
              <tr>
                <th>Session</th>
                <th>MCP app</th>
                <th>Since</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-session={s.id}>
                  <td className="mono">#{s.id}</td>
                  <td data-testid="session-client">{s.client ?? <span className="muted">not initialized yet</span>}</td>
                  <td className="muted">
                    {new Date(s.openedAt).toLocaleTimeString()}
                    {s.waitingFor ? <span className="warn-text" data-testid="session-waiting"> · waiting for {s.waitingFor}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </section>
  );
}
