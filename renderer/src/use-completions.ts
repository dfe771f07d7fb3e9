import { useEffect, useState } from 'react';
import { useApi } from './api-context.js';

/**
 * The server's suggestions (completion/complete) for the field being typed in, asked a moment after the last key,
 * with the other fields filled so far as context (a second argument may depend on the first).
 */
export function useCompletions(remote: string, refType: 'ref/prompt' | 'ref/resource', refName: string, values: Record<string, string>, active: string | undefined): Record<string, string[]> {
  const api = useApi();
  const [suggestions, setSuggestions] = useState<Record<string, string[]>>({});
  const value = active ? (values[active] ?? '') : '';
  const context = JSON.stringify(Object.entries(values).filter(([k, v]) => k !== active && v.length > 0));
  useEffect(() => {
    if (!active) return;
    let live = true;
    const timer = setTimeout(() => {
      const others = Object.fromEntries(JSON.parse(context) as [string, string][]);
      api.complete(remote, { type: refType, name: refName }, active, value, others).then(
        (list) => {
          if (live) setSuggestions((s) => ({ ...s, [active]: list }));
        },
        () => {},
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, remote, refType, refName, active, value, context]);
  return suggestions;
}
