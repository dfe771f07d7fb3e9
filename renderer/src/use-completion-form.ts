import { useState } from 'react';
import { useCompletions } from './use-completions.js';

/**
 * The text fields of a prompt's arguments or a template's variables: what is typed, which required ones were empty
 * at the last submit, and the server's completions for the field being typed in.
 */
export function useCompletionForm(remote: string, refType: 'ref/prompt' | 'ref/resource', refName: string) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [active, setActive] = useState<string>();
  const suggestions = useCompletions(remote, refType, refName, values, active);
  /** Marks the required fields left empty; true when there are none. */
  const check = (required: string[]): boolean => {
    const empty = required.filter((n) => !values[n]?.length);
    setMissing(empty);
    return empty.length === 0;
  };
  /** What a CompletionField for `name` shows and does. */
  const fieldProps = (name: string) => ({
    value: values[name] ?? '',
    suggestions: suggestions[name],
    missing: missing.includes(name),
    onFocus: () => setActive(name),
    onChange: (value: string) => setValues((v) => ({ ...v, [name]: value })),
  });
  /** The fields filled in: an empty one is not sent, so the server applies its own default. */
  const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.length > 0));
  return { filled, check, fieldProps };
}
