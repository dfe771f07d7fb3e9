import { useEffect, useState } from 'react';
import type { SshConfigHosts } from '../../../shared/ssh-config-hosts.js';
import { errorText, useApi } from '../api-context.js';
import type { RemoteFormValues } from '../remote-form-values.js';
import { describeJumps, fillFromSshConfig } from '../ssh-config-fill.js';

/** A select of the person's ~/.ssh/config Host aliases; picking one fills the form (address, login, keys, jump hosts). */
export function SshConfigPicker({ values, onPick }: { values: RemoteFormValues; onPick: (next: RemoteFormValues) => void }) {
  const api = useApi();
  const [config, setConfig] = useState<SshConfigHosts>();
  const [error, setError] = useState<string>();
  const [picked, setPicked] = useState('');
  useEffect(() => {
    api.sshConfigHosts().then(setConfig, (e) => setError(errorText(e)));
  }, [api]);

  const host = config?.hosts.find((h) => h.alias === picked);
  const jumps = describeJumps(values.kept?.jump);
  if (error) return <div className="field-hint">Cannot read your ssh config: {error}</div>;
  if (!config) return null;
  if (config.hosts.length === 0) return <div className="field-hint">{config.problem ?? `No Host aliases in ${config.file}`}</div>;
  return (
    <div className="field">
      <label htmlFor="remote-sshConfigHost">From {config.file}</label>
      <select
        id="remote-sshConfigHost"
        value={picked}
        onChange={(e) => {
          setPicked(e.target.value);
          const chosen = config.hosts.find((h) => h.alias === e.target.value);
          if (chosen?.remote) onPick(fillFromSshConfig(values, chosen));
        }}
      >
        <option value="">Choose a Host to fill in…</option>
        {config.hosts.map((h) => (
          <option key={h.alias} value={h.alias}>
            {h.alias}
            {h.error ? ' (cannot be used)' : ''}
          </option>
        ))}
      </select>
      {host?.error ? (
        <div className="field-error" role="alert">
          {host.error}
        </div>
      ) : null}
      {jumps ? <div className="field-hint" data-testid="jump-hosts">Through jump host{values.kept!.jump!.length > 1 ? 's' : ''}: {jumps}</div> : null}
      {host?.notes.map((n) => (
        <div key={n} className="field-hint">
          {n}
        </div>
      ))}
    </div>
  );
}
