import { Suggestions } from './Suggestions.js';

interface Props {
  id: string;
  /** The argument or variable: the label, and the name in "is required". */
  name: string;
  required: boolean;
  value: string;
  suggestions: string[] | undefined;
  /** Left empty while required, after a submit. */
  missing: boolean;
  hint?: string;
  onFocus: () => void;
  onChange: (value: string) => void;
}

/** A text field of a prompt's argument or a template's variable, offering the server's completions. */
export function CompletionField({ id, name, required, value, suggestions, missing, hint, onFocus, onChange }: Props) {
  return (
    <div className={`field${missing ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        {name}
        {required ? <span className="req" aria-label="required"> *</span> : null}
      </label>
      <input id={id} type="text" list={`${id}-suggestions`} value={value} spellCheck={false} onFocus={onFocus} onChange={(e) => onChange(e.target.value)} />
      <Suggestions id={`${id}-suggestions`} values={suggestions} />
      {missing ? <div className="field-error">{name} is required</div> : hint ? <div className="field-hint">{hint}</div> : null}
    </div>
  );
}
