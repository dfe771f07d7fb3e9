import { useCallback, useEffect, useState } from 'react';
import type { ApprovedHostKey, EngineSettings, ToolAuditRecord } from '../../../shared/api.js';
import type { Remote } from '../../../shared/remote.js';
import { errorText, useApi } from '../api-context.js';
import { CopyButton } from '../components/CopyButton.js';
import { hostPort, keyTypeName } from './ApprovalDialog.js';

/** As OpenSSH writes a host in known_hosts: `[host]:port` unless the port is 22. */
function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** The engine's settings, the host keys you approved, the built-in tools' audit per remote, and where the logs are. */
export function SettingsScreen({ remotes }: { remotes: Remote[] }) {
  const api = useApi();
  const [settings, setSettings] = useState<EngineSettings>();
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api.settings().then(setSettings, (e) => setError(errorText(e)));
  }, [api]);
  useEffect(() => {
    load();
    return api.subscribe((event) => {
      if (event.type === 'settings-changed') setSettings(event.settings);
      // Also what the web bridge sends after reconnecting to a (maybe restarted) engine.
      else if (event.type === 'remotes-changed') load();
    }, { traffic: false });
  }, [api, load]);

  return (
    <section className="screen">
      <header className="screen-head">
        <div>
          <h1>Settings & records</h1>
          <p className="muted">How the engine behaves, the keys you trusted, and what Burrow recorded.</p>
        </div>
      </header>
      {error ? <div className="banner error">{error}</div> : null}
      {settings ? <SettingsForm settings={settings} onSaved={setSettings} /> : null}
      <HostKeys knownHostsFile={settings?.paths.knownHostsFile} />
      <ToolAudit remotes={remotes} />
      {settings ? (
        <section className="settings-section" aria-label="Log files">
          <h2>Log files</h2>
          <dl className="facts paths">
            <PathFact term="Daily logs" path={settings.paths.logDir} label="log folder" testId="log-dir" />
            <PathFact term="Tool audit" path={settings.paths.toolAuditFile} label="tool audit file" />
            <PathFact term="Settings" path={settings.paths.settingsFile} label="settings file" />
            <PathFact term="Host keys" path={settings.paths.knownHostsFile} label="known_hosts file" />
          </dl>
        </section>
      ) : null}
    </section>
  );
}

/** One of Burrow's files or folders, with a button that copies its path. */
function PathFact({ term, path, label, testId }: { term: string; path: string; label: string; testId?: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd className="mono" data-testid={testId}>
        {path}
        <CopyButton text={path} label={label} />
      </dd>
    </>
  );
}

function SettingsForm({ settings, onSaved }: { settings: EngineSettings; onSaved: (s: EngineSettings) => void }) {
  const api = useApi();
  const [approval, setApproval] = useState(String(settings.approvalTimeoutSec));
  const [idle, setIdle] = useState(String(settings.idleTimeoutSec));
  const [prestart, setPrestart] = useState(settings.prestart);
  const [resumeWait, setResumeWait] = useState(String(settings.resumeWaitSec));
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  // Saved from another surface (`burrow`, another window): the fields show what the engine now uses.
  useEffect(() => {
    setApproval(String(settings.approvalTimeoutSec));
    setIdle(String(settings.idleTimeoutSec));
    setPrestart(settings.prestart);
    setResumeWait(String(settings.resumeWaitSec));
  }, [settings]);
  const number = (text: string, name: string, min: number, max: number): number | string => {
    const n = Number(text.trim());
    if (!text.trim()) return `${name} is required`;
    return Number.isInteger(n) && n >= min && n <= max ? n : `${name} is a whole number of seconds from ${min} to ${max}`;
  };
  const save = () => {
    const a = number(approval, 'approval timeout', 1, 3600);
    const i = number(idle, 'idle timeout', 0, 86_400);
    const r = number(resumeWait, 'resume wait', 1, 3600);
    const wrong = [a, i, r].find((v): v is string => typeof v === 'string');
    if (wrong || typeof a === 'string' || typeof i === 'string' || typeof r === 'string') return setError(wrong);
    setError(undefined);
    api.saveSettings({ approvalTimeoutSec: a, idleTimeoutSec: i, prestart, resumeWaitSec: r }).then(
      (next) => {
        setSaved(true);
        onSaved(next);
      },
      (e) => setError(errorText(e)),
    );
  };
  const dirty =
    approval !== String(settings.approvalTimeoutSec) || idle !== String(settings.idleTimeoutSec) || prestart !== settings.prestart || resumeWait !== String(settings.resumeWaitSec);
  return (
    <section aria-label="Engine settings">
      {error ? <div className="banner error">{error}</div> : null}
      {saved && !dirty ? <div className="banner ok">Saved. The running engine uses these settings now.</div> : null}
      <div className="settings-form">
        <div className="field">
          <label htmlFor="setting-approval">Approval timeout (seconds)</label>
          <input id="setting-approval" type="text" inputMode="numeric" value={approval} onChange={(e) => setApproval(e.target.value)} />
          <span className="field-hint">How long a host key, passphrase or tool call waits for you.</span>
        </div>
        <div className="field">
          <label htmlFor="setting-idle">Idle timeout (seconds)</label>
          <input id="setting-idle" type="text" inputMode="numeric" value={idle} onChange={(e) => setIdle(e.target.value)} />
          <span className="field-hint">How long an unused SSH connection stays open (0: close with its last session).</span>
        </div>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={prestart} onChange={(e) => setPrestart(e.target.checked)} /> Prestart servers
          </label>
          <span className="field-hint">Start each used remote's next MCP server ahead of time, so the next session starts at once.</span>
        </div>
        <div className="field">
          <label htmlFor="setting-resume-wait">Resume wait (seconds)</label>
          <input id="setting-resume-wait" type="text" inputMode="numeric" value={resumeWait} onChange={(e) => setResumeWait(e.target.value)} />
          <span className="field-hint">When a remote drops, sessions stay open and Burrow restores them; a request sent meanwhile waits this long, then fails.</span>
        </div>
      </div>
      <div className="modal-actions">
        <button className="btn primary" onClick={save} disabled={!dirty}>
          Save settings
        </button>
      </div>
    </section>
  );
}

function HostKeys({ knownHostsFile }: { knownHostsFile?: string }) {
  const api = useApi();
  const [keys, setKeys] = useState<ApprovedHostKey[]>();
  const [error, setError] = useState<string>();
  const [confirm, setConfirm] = useState<string>();
  const load = useCallback(() => {
    api.knownHostKeys().then(setKeys, (e) => setError(errorText(e)));
  }, [api]);
  useEffect(() => {
    load();
    // An approval answered with Remember adds a key here.
    return api.subscribe((event) => {
      if (event.type === 'approval-removed') load();
    }, { traffic: false });
  }, [api, load]);
  const forget = (k: ApprovedHostKey) => {
    setConfirm(undefined);
    api.forgetHostKey(k.host, k.port).then(load, (e) => setError(errorText(e)));
  };
  return (
    <section className="settings-section" aria-label="Trusted host keys">
      <h2>Host keys you approved</h2>
      <p className="muted small">Kept in Burrow's own known_hosts file; your ~/.ssh/known_hosts is read, never written. Forget one and Burrow asks again on the next connection.</p>
      {error ? <div className="banner error">{error}</div> : null}
      {keys && keys.length === 0 ? <p className="muted">None yet.</p> : null}
      {keys && keys.length > 0 ? (
        <table className="plain-table host-keys-table">
          <tbody>
            {keys.map((k) => {
              const name = knownHostsName(k.host, k.port);
              const id = `${name} ${k.fingerprint}`;
              const command = `ssh-keygen -R "${name}"${knownHostsFile ? ` -f ${knownHostsFile}` : ''}`;
              // Host over type and date: the fingerprint and the buttons keep one line each at 1280 px.
              return (
                <tr key={id} data-host-key={name}>
                  <td className="host-key-host">
                    {hostPort(k.host, k.port)}
                    <div className="muted small">
                      {keyTypeName(k.keyType)}
                      {k.firstSeen ? ` · approved ${new Date(k.firstSeen).toLocaleDateString()}` : ''}
                    </div>
                  </td>
                  <td className="mono host-key-fingerprint">
                    {k.fingerprint}
                    <CopyButton text={k.fingerprint} label={`fingerprint of ${name}`} />
                  </td>
                  <td className="host-key-actions">
                    <CopyButton text={command} label={`ssh-keygen -R command for ${name}`} caption="Copy ssh-keygen -R" />
                    {confirm === id ? (
                      <>
                        <button className="btn small danger" onClick={() => forget(k)} aria-label={`Forget ${name}`}>
                          Forget
                        </button>
                        <button className="btn small" onClick={() => setConfirm(undefined)}>
                          Keep
                        </button>
                      </>
                    ) : (
                      <button className="btn small quiet" onClick={() => setConfirm(id)} aria-label={`Forget ${name}`}>
                        Forget
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function ToolAudit({ remotes }: { remotes: Remote[] }) {
  const api = useApi();
  const [remote, setRemote] = useState<string>();
  const [records, setRecords] = useState<ToolAuditRecord[]>();
  const [error, setError] = useState<string>();
  const [refresh, setRefresh] = useState(0);
  const shown = remote && remotes.some((r) => r.name === remote) ? remote : remotes[0]?.name;
  useEffect(() => {
    if (!shown) return;
    api.toolAudit(shown, 100).then(
      (r) => {
        setRecords(r);
        setError(undefined);
      },
      (e) => setError(errorText(e)),
    );
  }, [api, shown, refresh]);
  return (
    <section className="settings-section" aria-label="Tool audit">
      <h2>Tool audit</h2>
      <p className="muted small">Every call of Burrow's built-in SSH tools, recorded before anything is sent (the newest 100 per remote).</p>
      {remotes.length === 0 ? (
        <p className="muted">No remotes yet.</p>
      ) : (
        <>
          <div className="audit-pick">
            <label htmlFor="audit-remote" className="muted small">
              Remote
            </label>
            <select id="audit-remote" value={shown} onChange={(e) => setRemote(e.target.value)}>
              {remotes.map((r) => (
                <option key={r.name} value={r.name}>
                  {r.name}
                </option>
              ))}
            </select>
            <button className="btn small quiet" onClick={() => setRefresh((n) => n + 1)}>
              Reload
            </button>
          </div>
          {error ? <div className="banner error">{error}</div> : null}
          {records && records.length === 0 ? <p className="muted">No tool calls on {shown} yet.</p> : null}
          {records && records.length > 0 ? (
            <table className="plain-table audit-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Tool</th>
                  <th>What</th>
                  <th>MCP app</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r, i) => (
                  <tr key={`${r.time}-${i}`} data-audit-phase={r.phase}>
                    <td className="muted small">{r.time ? new Date(r.time).toLocaleString() : ''}</td>
                    <td className="mono">{r.tool}</td>
                    <td>
                      {r.phase}: {r.outcome}
                    </td>
                    <td>{r.client ?? ''}</td>
                    <td className="mono small">{r.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </>
      )}
    </section>
  );
}
