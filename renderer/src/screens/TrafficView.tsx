import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TrafficEntry } from '../../../shared/api.js';
import { CopyButton } from '../components/CopyButton.js';
import { durationText } from '../duration-text.js';
import type { TrafficLog } from '../traffic-log.js';

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function matches(e: TrafficEntry, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return [e.method, e.remote, e.kind, e.client, sessionLabel(e), e.id === undefined ? '' : String(e.id)].some((v) => v?.toLowerCase().includes(f));
}

/** Every JSON-RPC message of every host session, newest last; pausing freezes the view, not the log. */
export function TrafficView({ log }: { log: TrafficLog }) {
  const [, redraw] = useState(0);
  const [paused, setPaused] = useState<TrafficEntry[] | null>(null);
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<TrafficEntry>();
  useEffect(() => log.subscribe(() => redraw((n) => n + 1)), [log]);

  const all = paused ?? log.all();
  const held = paused ? log.all().length - paused.length : 0;
  const rows = useMemo(() => all.filter((e) => matches(e, filter)).slice(-400), [all, filter, all.length]);
  // Newest last, so the view follows the bottom (a tool just run shows its messages) until the person scrolls up to read.
  const wrap = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  const lastRow = rows.at(-1);
  useLayoutEffect(() => {
    const el = wrap.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [lastRow, rows.length]);
  const noteScroll = () => {
    const el = wrap.current;
    if (el) following.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
  };

  return (
    <section className="traffic" aria-label="Traffic">
      <div className="traffic-bar">
        <h2>Traffic</h2>
        <input className="traffic-filter" type="search" placeholder="Filter by method, session, remote or id" aria-label="Filter traffic" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="spacer" />
        {paused ? <span className="muted small">{held > 0 ? `${held} new while paused` : 'paused'}</span> : null}
        <button className="btn small" onClick={() => setPaused(paused ? null : [...log.all()])} aria-pressed={!!paused}>
          {paused ? 'Resume' : 'Pause'}
        </button>
        <button className="btn small quiet" onClick={() => (log.clear(), setSelected(undefined), setPaused(paused ? [] : null))}>
          Clear
        </button>
      </div>
      <div className="traffic-split">
        <div className="traffic-table-wrap" ref={wrap} onScroll={noteScroll}>
          <table className="traffic-table">
            <colgroup>
              <col className="col-time" />
              <col className="col-dir" />
              <col className="col-session" />
              <col className="col-remote" />
              <col className="col-method" />
              <col className="col-id" />
              <col className="col-size" />
              <col className="col-latency" />
            </colgroup>
            <thead>
              <tr>
                <th>Time</th>
                <th aria-label="Direction" />
                <th>Session</th>
                <th>Remote</th>
                <th>Method</th>
                <th>Id</th>
                <th className="num">Size</th>
                <th className="num">Latency</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={8} className="muted traffic-empty">
                    {filter ? 'No message matches the filter.' : 'Messages between your MCP apps and remotes show here as they pass.'}
                  </td>
                </tr>
              ) : (
                rows.map((e, i) => (
                  <tr
                    key={e.seq ?? `${e.sessionId}-${e.time}-${i}`}
                    className={`${e.direction}${selected === e ? ' selected' : ''}${e.kind === 'response' && isError(e) ? ' is-error' : ''}${e.kind === 'resume' ? ' resume-mark' : ''}`}
                    onClick={() => setSelected(e)}
                    data-method={e.method ?? ''}
                    data-direction={e.direction}
                  >
                    <td className="mono">{clock(e.time)}</td>
                    <td className="dir" title={e.kind === 'resume' ? 'the session lost its remote, or resumed on a fresh server' : e.direction === 'to-remote' ? 'to the remote' : 'to the app'}>
                      {e.kind === 'resume' ? '↻' : e.direction === 'to-remote' ? '→' : '←'}
                    </td>
                    <td data-testid="traffic-session" title={sessionLabel(e)}>
                      {sessionLabel(e)}
                    </td>
                    <td title={e.remote}>{e.remote}</td>
                    <td className="mono" title={e.method ?? e.kind}>
                      {e.method ?? <span className="muted">{e.kind}</span>}
                      {e.kind === 'response' ? <span className="muted"> (result)</span> : null}
                    </td>
                    <td className="mono muted">{e.id ?? ''}</td>
                    <td className="num">{size(e.bytes)}</td>
                    <td className="num">{e.latencyMs !== undefined ? durationText(e.latencyMs) : ''}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </div>
        {selected ? (
          <div className="traffic-detail">
            <div className="traffic-detail-head">
              <span className="mono">{selected.method ?? selected.kind}</span>
              <span className="muted small">
                {sessionLabel(selected)} · {selected.remote}
              </span>
              <span className="spacer" />
              {selected.message !== undefined ? <CopyButton text={JSON.stringify(selected.message, null, 2)} label="message" /> : null}
              <button className="btn small quiet" onClick={() => setSelected(undefined)} aria-label="Close message">
                ✕
              </button>
            </div>
            <pre className="mono json">{selected.message === undefined ? '(too large to show)' : JSON.stringify(selected.message, null, 2)}</pre>
          </div>
        ) : null}
      </div>
    </section>
  );
}

/** "Claude Desktop #3": the MCP host's name from its initialize (when seen) and the session's number. */
function sessionLabel(e: TrafficEntry): string {
  return `${e.client ?? 'session'} #${e.sessionId}`;
}

function isError(e: TrafficEntry): boolean {
  return !!e.message && typeof e.message === 'object' && 'error' in (e.message as object);
}
