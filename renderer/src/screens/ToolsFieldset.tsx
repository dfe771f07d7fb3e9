import type { FieldErrors, RemoteFormValues, RiskyToolsChoice } from '../remote-form-values.js';
import { ToolPolicyEditor } from './ToolPolicyEditor.js';

const RISKY_CHOICES: { value: RiskyToolsChoice; label: string }[] = [
  { value: 'ask', label: 'Ask me each time (recommended)' },
  { value: 'deny', label: 'Never' },
  { value: 'allow', label: 'Always, without asking' },
];

/** The remote form's Tools switch: Burrow's own SSH tools for hosts that run no MCP server. */
export function ToolsFieldset({
  values,
  set,
  errors,
}: {
  values: RemoteFormValues;
  set: <K extends keyof RemoteFormValues>(key: K, value: RemoteFormValues[K]) => void;
  errors?: FieldErrors;
}) {
  return (
    <fieldset>
      <legend>Built-in SSH tools</legend>
      <label className="check">
        <input type="checkbox" checked={values.tools} onChange={(e) => set('tools', e.target.checked)} />
        Offer Burrow's SSH tools for this remote (burrow connect --tools)
      </label>
      {errors?.tools ? (
        <div className="field-error" role="alert">
          {errors.tools}
        </div>
      ) : null}
      {values.tools ? (
        <>
          <div className="field">
            <label htmlFor="remote-toolsDescription">What it is for</label>
            <input
              id="remote-toolsDescription"
              type="text"
              value={values.toolsDescription}
              placeholder="the build box; Debian, runs the CI"
              autoComplete="off"
              onChange={(e) => set('toolsDescription', e.target.value)}
            />
            <div className="field-hint">The model sees this and the name, never the address, user or keys.</div>
          </div>
          <div className="field">
            <label htmlFor="remote-riskyTools">Run commands, write files, sudo, forwards</label>
            <select id="remote-riskyTools" value={values.riskyTools} onChange={(e) => set('riskyTools', e.target.value as RiskyToolsChoice)}>
              {RISKY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
              {values.riskyTools === 'custom' ? <option value="custom">As set per tool (below)</option> : null}
            </select>
            <div className="field-hint">Listing and reading run at once. Root shells by sudo and writes to /etc/sudoers are always refused.</div>
          </div>
          <ToolPolicyEditor values={values} set={set} rulesError={errors?.commandRules} />
        </>
      ) : null}
    </fieldset>
  );
}
