import { useEffect, useState } from 'react';
import { copyText } from '../clipboard.js';

/** Copies a text to the clipboard and says so for a moment; `label` names what is copied for screen readers. */
export function CopyButton({ text, label, caption = 'Copy' }: { text: string; label: string; caption?: string }) {
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  // navigator.clipboard where there is one, else the old execCommand way (clipboard.ts).
  const copy = () => void copyText(text).then((ok) => setState(ok ? 'done' : 'failed'));
  return (
    <button type="button" className={`btn small quiet copy${state === 'done' ? ' done' : ''}`} onClick={copy} aria-label={`Copy ${label}`} title={`Copy ${label}`}>
      {state === 'done' ? 'Copied' : state === 'failed' ? 'Not copied' : caption}
    </button>
  );
}
