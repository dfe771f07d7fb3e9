import { useEffect, useMemo, useState } from 'react';
import type { BurrowEvent, TrafficEntry } from '../../shared/api.js';
import { ApiContext } from './api-context.js';
import { launchParams, type ApiConnection } from './bridge/connect-api.js';
import { StatusDot } from './components/StatusDot.js';
import { ApprovalDialog } from './screens/ApprovalDialog.js';
import { HostKeyAlarm } from './screens/HostKeyAlarm.js';
import { InspectorScreen } from './screens/InspectorScreen.js';
import { McpHostsScreen } from './screens/McpHostsScreen.js';
import { RemotesScreen } from './screens/RemotesScreen.js';
import { SecretDialog } from './screens/SecretDialog.js';
import { ToolCallDialog } from './screens/ToolCallDialog.js';
import { SessionsScreen } from './screens/SessionsScreen.js';
import { SettingsScreen } from './screens/SettingsScreen.js';
import { TrafficLog } from './traffic-log.js';
import { useEngineState, type EngineState } from './use-engine-state.js';

type View = 'remotes' | 'inspector' | 'sessions' | 'hosts' | 'settings';
const VIEWS: { id: View; label: string }[] = [
  { id: 'remotes', label: 'Remotes' },
  { id: 'inspector', label: 'Inspector' },
  { id: 'sessions', label: 'Sessions' },
  { id: 'hosts', label: 'MCP hosts' },
  { id: 'settings', label: 'Settings & records' },
];

/** What a remote's connection waits for from a person, in words the inspector shows instead of "Connecting…". */
function waitingFor(approvals: EngineState['approvals']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of approvals) {
    if (a.kind === 'secret') out[a.remote] = a.secret === 'passphrase' ? 'Waiting for a passphrase…' : 'Waiting for a password…';
    else if (a.kind === 'host-key' && a.remote) out[a.remote] ??= 'Waiting for you to approve the host key…';
  }
  return out;
}

export function App({ connection }: { connection: Exclude<ApiConnection, { kind: 'no-token' }> }) {
  const api = connection.api;
  const viewOf = (name?: string): View | undefined => VIEWS.find((v) => v.id === name)?.id;
  const [view, setView] = useState<View>(viewOf(connection.params.view) ?? 'remotes');
  const [inspectRemote, setInspectRemote] = useState<string | undefined>(connection.params.remote);
  const [catalogVersion, setCatalogVersion] = useState<Record<string, number>>({});
  const [bridgeUp, setBridgeUp] = useState(true);
  const traffic = useMemo(() => new TrafficLog(), []);

  const onEvent = (event: BurrowEvent) => {
    if (event.type === 'catalog-changed') setCatalogVersion((v) => ({ ...v, [event.remote]: (v[event.remote] ?? 0) + 1 }));
  };
  const [state, reload] = useEngineState(api, onEvent);
  // Traffic is its own subscription, held only while the inspector (with its traffic view) is on screen:
  // the relay copies messages only while someone subscribes to them.
  // The engine keeps the last messages: fetched once subscribed, so a reload (or coming back) shows them again.
  useEffect(() => {
    if (view !== 'inspector') return undefined;
    const fill = () => api.trafficHistory().then((history) => traffic.fill(history), () => undefined);
    const off = api.subscribe((event) => {
      if (event.type === 'traffic') traffic.add(event.entry as TrafficEntry);
      // The web bridge says this after reconnecting: messages relayed meanwhile are in the history.
      else if (event.type === 'remotes-changed') void fill();
    }, { traffic: true });
    void fill();
    return off;
  }, [api, view, traffic]);

  useEffect(() => (connection.kind === 'web' ? connection.api.onConnection(setBridgeUp) : undefined), [connection]);
  // The tray reopens a window on another screen by changing only the fragment.
  useEffect(() => {
    const onHash = () => {
      const params = launchParams();
      const next = viewOf(params.view);
      if (next) setView(next);
      if (params.remote) setInspectRemote(params.remote);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const alert = state.alerts[0];
  // Device keys (edge devices dialling in) have no dialog yet (burrow devices approve): they must not hide the others.
  const approval = state.approvals.find((a) => a.kind !== 'device-key');
  const inspect = (name: string) => {
    setInspectRemote(name);
    setView('inspector');
  };

  return (
    <ApiContext.Provider value={api}>
      {alert ? <HostKeyAlarm alert={alert} more={state.alerts.length - 1} /> : null}
      {/* Kept mounted behind the alarm: remounting the inspector after "Disconnect" would reconnect at once. */}
      <div className={alert ? 'app behind-alarm' : 'app'} aria-hidden={alert || approval ? true : undefined}>
        <nav className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden>
              <svg viewBox="0 0 16 16" width="14" height="14">
                <path d="M2 13V9a6 6 0 0 1 12 0v4" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
                <path d="M5.5 13v-3a2.5 2.5 0 0 1 5 0v3" fill="currentColor" opacity="0.55" />
              </svg>
            </span>
            Burrow
          </div>
          {VIEWS.map((v) => (
            <button key={v.id} className={`nav-item${view === v.id ? ' active' : ''}`} onClick={() => setView(v.id)} aria-current={view === v.id ? 'page' : undefined}>
              {v.label}
              {v.id === 'remotes' && state.approvals.length > 0 ? <span className="nav-badge">{state.approvals.length}</span> : null}
            </button>
          ))}
          <div className="sidebar-foot">
            <StatusDot state={bridgeUp && !state.error ? 'connected' : 'error'} />
            <span>{bridgeUp && !state.error ? (connection.kind === 'web' ? 'Burrow daemon' : 'Burrow') : 'Not connected'}</span>
          </div>
        </nav>
        <main className="content">
          {state.error ? <div className="banner error">{state.error}</div> : null}
          {view === 'remotes' && <RemotesScreen state={state} reload={reload} onInspect={inspect} />}
          {view === 'inspector' && (
            <InspectorScreen
              remotes={state.remotes}
              statuses={state.statuses}
              selected={inspectRemote}
              onSelect={setInspectRemote}
              traffic={traffic}
              catalogVersion={catalogVersion}
              waiting={waitingFor(state.approvals)}
            />
          )}
          {view === 'sessions' && <SessionsScreen />}
          {view === 'hosts' && <McpHostsScreen remotes={state.remotes} />}
          {view === 'settings' && <SettingsScreen remotes={state.remotes} />}
        </main>
      </div>
      {!alert && approval?.kind === 'host-key' ? <ApprovalDialog approval={approval} position={1} count={state.approvals.length} /> : null}
      {/* keyed by id: a new request starts with an empty field */}
      {!alert && approval?.kind === 'secret' ? <SecretDialog key={approval.id} request={approval} position={1} count={state.approvals.length} /> : null}
      {!alert && approval?.kind === 'tool-call' ? <ToolCallDialog key={approval.id} request={approval} position={1} count={state.approvals.length} /> : null}
    </ApiContext.Provider>
  );
}
