import { useMemo, useState } from 'react';
import { argumentsOf, fieldsOf, initialValue } from '../schema-form-values.js';

/** A form generated from a tool's input schema; runs the tool with the typed-in arguments. */
export function SchemaForm({ schema, running, onRun, idPrefix }: { schema: unknown; running: boolean; onRun: (args: Record<string, unknown>) => void; idPrefix: string }) {
  const fields = useMemo(() => fieldsOf(schema), [schema]);
  const [values, setValues] = useState<Record<string, string | boolean>>(() => Object.fromEntries(fields.map((f) => [f.name, initialValue(f)])));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (name: string, value: string | boolean) => setValues((v) => ({ ...v, [name]: value }));

  return (
    <form
      className="form schema-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const { args, errors: found } = argumentsOf(fields, values);
        setErrors(found);
        if (Object.keys(found).length === 0) onRun(args);
      }}
    >
      {fields.length === 0 ? <p className="muted small">This tool takes no arguments.</p> : null}
      {fields.map((f) => {
        const id = `${idPrefix}-${f.name}`;
        const value = values[f.name];
        return (
          <div key={f.name} className={`field${errors[f.name] ? ' has-error' : ''}`}>
            {f.kind === 'boolean' ? (
              <label className="check">
                <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(f.name, e.target.checked)} />
                {f.name}
              </label>
            ) : (
              <label htmlFor={id}>
                {f.name}
                {f.required ? <span className="req" aria-label="required"> *</span> : null}
                <span className="type-tag">{f.kind === 'json' ? 'JSON' : f.kind}</span>
              </label>
            )}
            {f.kind === 'enum' ? (
              <select id={id} value={String(value)} onChange={(e) => set(f.name, e.target.value)}>
                {!f.required ? <option value="">—</option> : null}
                {f.schema.enum!.map((o) => (
                  <option key={String(o)} value={String(o)}>
                    {String(o)}
                  </option>
                ))}
              </select>
            ) : f.kind === 'json' ? (
              <textarea id={id} className="mono" rows={3} value={String(value)} spellCheck={false} onChange={(e) => set(f.name, e.target.value)} />
            ) : f.kind !== 'boolean' ? (
              <input
                id={id}
                type="text"
                inputMode={f.kind === 'number' || f.kind === 'integer' ? 'decimal' : undefined}
                value={String(value)}
                spellCheck={false}
                onChange={(e) => set(f.name, e.target.value)}
              />
            ) : null}
            {errors[f.name] ? <div className="field-error">{errors[f.name]}</div> : f.schema.description ? <div className="field-hint">{f.schema.description}</div> : null}
          </div>
        );
      })}
      <div className="form-actions">
        <button type="submit" className="btn primary" disabled={running}>
          {running ? 'Running…' : 'Run tool'}
        </button>
      </div>
    </form>
  );
}
