import { useState, type ReactNode } from 'react';
import type { TestStep } from '../../../shared/api.js';
import type { HostKeyPolicy, Remote } from '../../../shared/remote.js';
import { errorText, useApi } from '../api-context.js';
import { formValuesOf, validateRemote, withAddressSpread, type FieldErrors, type RemoteFormValues } from '../remote-form-values.js';
import { SshConfigPicker } from './SshConfigPicker.js';
import { TestSteps } from './TestSteps.js';
import { ToolsFieldset } from './ToolsFieldset.js';

const POLICIES: { value: HostKeyPolicy; label: string }[] = [
  { value: 'ask', label: 'Ask me (recommended)' },
  { value: 'strict', label: 'Only keys in known_hosts' },
  { value: 'accept-new', label: 'Trust on first use' },
  { value: 'insecure', label: 'Do not check (insecure)' },
];

function Field({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

/** Add or edit a remote: checked against the engine's own schema, with a step-by-step connection test. */
export function RemoteForm({ initial, existingNames, onDone }: { initial?: Remote; existingNames: string[]; onDone: () => void }) {
  const api = useApi();
  const [values, setValues] = useState<RemoteFormValues>(() => formValuesOf(initial));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [steps, setSteps] = useState<TestStep[]>();
  const [testing, setTesting] = useState(false);
  const [saving, setSaving] = useState(false);
  const editing = !!initial;
  const taken = editing ? [] : existingNames;
  // The remote as this form read it: saving refuses if it changed elsewhere meanwhile (a CLI edit is not undone).
  const [readAtOpen] = useState(initial);

  const set = <K extends keyof RemoteFormValues>(key: K, value: RemoteFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    if (errors[key]) setErrors((e) => ({ ...e, [key]: undefined }));
  };
  // deploy@box:2222 typed or pasted into Host fills User and Port as it leaves the field.
  const spreadAddress = () => {
    if (!withAddressSpread(values)) return;
    setValues((v) => withAddressSpread(v) ?? v);
    setErrors((e) => ({ ...e, host: undefined, user: undefined, port: undefined }));
  };
  const check = () => {
    // A button clicked straight after typing in Host: its blur spread the address into state the click cannot see yet.
    const { input, errors: found } = validateRemote(withAddressSpread(values) ?? values, taken);
    setErrors(found);
    return Object.values(found).some(Boolean) ? undefined : input;
  };
  const test = () => {
    const input = check();
    if (!input) return;
    setTesting(true);
    setSteps(undefined);
    api.testRemote(input).then(
      (result) => {
        setSteps(result);
        setTesting(false);
      },
      (e) => {
        setErrors({ form: errorText(e) });
        setTesting(false);
      },
    );
  };
  const save = () => {
    const input = check();
    if (!input) return;
    setSaving(true);
    api.saveRemote(input, editing, readAtOpen).then(onDone, (e) => {
      setErrors({ form: errorText(e) });
      setSaving(false);
    });
  };
  const text = (key: keyof RemoteFormValues, props: { placeholder?: string; disabled?: boolean; mono?: boolean; type?: string; onBlur?: () => void } = {}) => (
    <input
      id={`remote-${key}`}
      type={props.type ?? 'text'}
      className={props.mono ? 'mono' : undefined}
      value={values[key] as string}
      placeholder={props.placeholder}
      disabled={props.disabled}
      spellCheck={false}
      autoComplete="off"
      aria-invalid={errors[key] ? true : undefined}
      aria-describedby={errors[key] ? `remote-${key}-error` : undefined}
      onChange={(e) => set(key, e.target.value as never)}
      onBlur={props.onBlur}
    />
  );

  return (
    <section className="screen form-screen">
      <header className="screen-head">
        <div>
          <h1>{editing ? `Edit ${initial.name}` : 'Add a remote'}</h1>
          <p className="muted">Where the MCP server runs, and how Burrow reaches it over SSH.</p>
        </div>
      </header>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <div className="form-grid">
          <div className="form-col">
            <fieldset>
              <legend>Server</legend>
              {editing ? null : (
                <SshConfigPicker
                  values={values}
                  onPick={(next) => {
                    setValues(next);
                    setErrors({});
                  }}
                />
              )}
              <Field id="remote-name" label="Name" error={errors.name} hint={editing ? undefined : 'What your MCP apps will call it, e.g. build-box'}>
                {text('name', { placeholder: 'build-box', disabled: editing })}
              </Field>
              <div className="field-row">
                <Field id="remote-host" label="Host" error={errors.host}>
                  {text('host', { placeholder: 'server.example.com', onBlur: spreadAddress })}
                </Field>
                <Field id="remote-port" label="Port" error={errors.port}>
                  {text('port', { placeholder: '22' })}
                </Field>
              </div>
              <Field id="remote-user" label="User" error={errors.user}>
                {text('user', { placeholder: 'deploy' })}
              </Field>
            </fieldset>

            <fieldset>
              <legend>Sign-in</legend>
              <Field id="remote-identityFiles" label="Key files" error={errors.identityFiles} hint="One per line. Empty: ~/.ssh/id_ed25519, id_ecdsa, id_rsa.">
                <textarea
                  id="remote-identityFiles"
                  className="mono"
                  rows={2}
                  value={values.identityFiles}
                  spellCheck={false}
                  placeholder="~/.ssh/id_ed25519"
                  onChange={(e) => set('identityFiles', e.target.value)}
                />
              </Field>
              <label className="check">
                <input type="checkbox" checked={values.useAgent} onChange={(e) => set('useAgent', e.target.checked)} />
                Use ssh-agent
              </label>
              <label className="check">
                <input type="checkbox" checked={values.usePassword} onChange={(e) => set('usePassword', e.target.checked)} />
                Ask for a password when keys fail (never stored)
              </label>
            </fieldset>
          </div>
          <div className="form-col">
            <fieldset>
              <legend>MCP server</legend>
              <div className="segmented" role="radiogroup" aria-label="How the server starts">
                <label className={values.mode === 'exec' ? 'on' : undefined}>
                  <input type="radio" name="mode" value="exec" checked={values.mode === 'exec'} onChange={() => set('mode', 'exec')} />
                  Run a command
                </label>
                <label className={values.mode === 'shell' ? 'on' : undefined}>
                  <input type="radio" name="mode" value="shell" checked={values.mode === 'shell'} onChange={() => set('mode', 'shell')} />
                  Shell channel (m2m server)
                </label>
                <label className={values.mode === 'none' ? 'on' : undefined}>
                  <input
                    type="radio"
                    name="mode"
                    value="none"
                    checked={values.mode === 'none'}
                    onChange={() => {
                      // Without a server of its own the remote is only there for the built-in tools.
                      set('mode', 'none');
                      set('tools', true);
                    }}
                  />
                  None (SSH tools only)
                </label>
              </div>
              {values.mode === 'exec' ? (
                <Field id="remote-command" label="Command" error={errors.command} hint="Runs on the remote and speaks MCP over stdio.">
                  {text('command', { placeholder: 'npx -y @modelcontextprotocol/server-everything stdio', mono: true })}
                </Field>
              ) : values.mode === 'shell' ? (
                <p className="field-hint">The server's sshd starts the MCP server for this login (ForceCommand or m2m-mcp-server-ssh-server).</p>
              ) : (
                <p className="field-hint">This machine runs no MCP server: agents work on it through Burrow's built-in SSH tools (below).</p>
              )}
              {values.mode === 'none' ? null : (
                <label className="check">
                  <input type="checkbox" checked={values.resume} onChange={(e) => set('resume', e.target.checked)} />
                  Keep sessions open when the connection drops (restart the server, replay initialize)
                </label>
              )}
            </fieldset>

            <ToolsFieldset values={values} set={set} errors={errors} />

            <fieldset>
              <legend>Host key</legend>
              <Field id="remote-hostKeyPolicy" label="Unknown host keys" error={errors.hostKeyPolicy}>
                <select id="remote-hostKeyPolicy" value={values.hostKeyPolicy} onChange={(e) => set('hostKeyPolicy', e.target.value as HostKeyPolicy)}>
                  {POLICIES.map((p) => (
                    <option key={p.value} value={p.value}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="remote-knownHostsPath" label="known_hosts file" error={errors.knownHostsPath} hint="Empty: ~/.ssh/known_hosts. Burrow only reads it.">
                {text('knownHostsPath', { placeholder: '~/.ssh/known_hosts', mono: true })}
              </Field>
              <div className="field-row align-end">
                <label className="check">
                  <input type="checkbox" checked={values.keyServerEnabled} onChange={(e) => set('keyServerEnabled', e.target.checked)} />
                  Get the key from the m2m key server
                </label>
                {values.keyServerEnabled ? (
                  <Field id="remote-keyServerPort" label="Key server port" error={errors.keyServerPort}>
                    {text('keyServerPort', { placeholder: '8000' })}
                  </Field>
                ) : null}
              </div>
            </fieldset>
          </div>
        </div>

        {errors.form ? <div className="banner error">{errors.form}</div> : null}
        {steps || testing ? <TestSteps steps={steps} running={testing} target={{ host: values.host.trim(), port: Number(values.port) || 22 }} toolsOnly={values.mode === 'none'} /> : null}

        <div className="form-actions">
          <button type="button" className="btn" onClick={test} disabled={testing}>
            {testing ? 'Testing…' : 'Test connection'}
          </button>
          <span className="spacer" />
          <button type="button" className="btn" onClick={onDone}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={saving}>
            {editing ? 'Save' : 'Add remote'}
          </button>
        </div>
      </form>
    </section>
  );
}
