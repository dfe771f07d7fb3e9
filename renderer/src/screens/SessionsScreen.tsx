import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionInfo, ToolHostSessionInfo } from '../../../shared/api.js';
import type { BurrowEvent } from '../../../shared/events.js';
import { INSPECTOR_CLIENT_NAME } from '../../../shared/inspector-client.js';
import { errorText, useApi } from '../api-context.js';
import { durationText } from '../duration-text.js';

/** Which MCP host sessions use which remote right now: read once, then again on every session event. */
// remotes-changed: also what the web bridge sends after reconnecting to a (maybe restarted) engine.
// inspector-session: Burrow's own session was used again (it closes later now) or closed.
// tool-sessions-changed: a session of the built-in SSH tools opened, closed, or connected, opened a shell or a forward.
const RELOAD_ON = new Set<BurrowEvent['type']>(['session-opened', 'session-closed', 'session-named', 'session-waiting', 'remotes-changed', 'inspector-session', 'tool-sessions-changed']);

export function SessionsScreen() {
  const api = useApi();
  const [sessions, setSessions] = useState<SessionInfo[]>();
  const [toolSessions, setToolSessions] = useState<ToolHostSessionInfo[]>([]);
  const [error, setError] = useState<string>();
  // Events come in bursts (a tools session opens, then names its app): only the newest read's answer is shown.
  const latest = useRef(0);
  const load = useCallback(() => {
    const read = ++latest.current;
    api.engineStatus().then(
      (s) => {
        if (read !== latest.current) return;
        setSessions(s.sessions);
        setToolSessions(s.toolSessions ?? []);
        setError(undefined);
      },
      (e) => {
        if (read === latest.current) setError(errorText(e));
      },
    );
  }, [api]);
  useEffect(() => {
    load();
    return api.subscribe((event) => {
      if (RELOAD_ON.has(event.type)) load();
    }, { traffic: false });
  }, [api, load]);

  const appSessions = (sessions ?? []).filter((s) => !s.inspector);
  const inspectorSessions = (sessions ?? []).filter((s) => s.inspector);
  const byRemote = new Map<string, SessionInfo[]>();
  for (const s of appSessions) byRemote.set(s.remote, [...(byRemote.get(s.remote) ?? []), s]);

  return (
    <section className="screen">
      <header className="screen-head">
        <div>
          <h1>Sessions</h1>
          <p className="muted">MCP apps connected through Burrow now, and the remote each one uses.</p>
        </div>
      </header>
      {error ? <div className="banner error">{error}</div> : null}
      {sessions && appSessions.length === 0 && !toolSessions.some((t) => t.client !== INSPECTOR_CLIENT_NAME) ? (
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
      {toolSessions.length > 0 ? <ToolSessions sessions={toolSessions} /> : null}
      {inspectorSessions.length > 0 ? <InspectorSessions sessions={inspectorSessions} /> : null}
    </section>
  );
}

/** MCP apps (and the Inspector) using Burrow's built-in SSH tools: not relayed sessions, so listed on their own. */
function ToolSessions({ sessions }: { sessions: ToolHostSessionInfo[] }) {
  return (
    <section className="settings-section" aria-label="Built-in SSH tools sessions">
      <h2>
        Built-in SSH tools <span className="muted small">· {sessions.length} session{sessions.length === 1 ? '' : 's'}</span>
      </h2>
      <table className="plain-table sessions-table">
        <thead>
          <tr>
            <th>MCP app</th>
            <th>Remotes</th>
            <th>Shells</th>
            <th>Forwards</th>
            <th>Since</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((t) => (
            <tr key={t.id} data-tool-session={t.id}>
              <td data-testid="tool-session-client">
                {t.client === INSPECTOR_CLIENT_NAME ? 'Burrow inspector' : t.client ?? <span className="muted">not initialized yet</span>}
              </td>
              <td data-testid="tool-session-remotes">{[...new Set(t.sessions.map((s) => s.remote))].join(', ') || <span className="muted">none yet</span>}</td>
              <td data-testid="tool-session-shells">{t.sessions.reduce((n, s) => n + s.shells, 0)}</td>
              <td data-testid="tool-session-forwards">{t.sessions.reduce((n, s) => n + s.forwards, 0)}</td>
              <td className="muted">{new Date(t.openedAt).toLocaleTimeString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Burrow's own inspector sessions, apart from the MCP apps': the Inspector screen and `burrow tools`/`burrow call`
 * keep one per remote for their next use, and it closes when unused. The time left counts down here; a use
 * since then (a later end) or its closing comes as the engine's `inspector-session` event.
 */
function InspectorSessions({ sessions }: { sessions: SessionInfo[] }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section className="settings-section" aria-label="Burrow inspector sessions">
      <h2>
        Burrow inspector <span className="muted small">· not an MCP app</span>
      </h2>
      <p className="muted small">Burrow's own session per remote, for the Inspector and burrow tools / burrow call. It stays open for their next use and closes when idle.</p>
      <table className="plain-table sessions-table">
        <thead>
          <tr>
            <th>Remote</th>
            <th>Session</th>
            <th>Since</th>
            <th>Closes</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            const closesAt = s.inspector?.closesAt;
            return (
              <tr key={s.id} data-inspector-session={s.remote}>
                <td>{s.remote}</td>
                <td className="mono">#{s.id}</td>
                <td className="muted">{new Date(s.openedAt).toLocaleTimeString()}</td>
                <td data-testid="inspector-closes">{closesAt ? `when idle, in ${durationText(Math.max(0, Date.parse(closesAt) - now))}` : 'now'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
