import { useEffect, useState } from 'react';

/** Copies a text to the clipboard and says so for a moment; `label` names what is copied for screen readers. */
export function CopyButton({ text, label, caption = 'Copy' }: { text: string; label: string; caption?: string }) {
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const timer = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = () => navigator.clipboard.writeText(text).then(() => setState('done'), () => setState('failed'));
  return (
    <button type="button" className={`btn small quiet copy${state === 'done' ? ' done' : ''}`} onClick={copy} aria-label={`Copy ${label}`} title={`Copy ${label}`}>
      {state === 'done' ? 'Copied' : state === 'failed' ? 'Not copied' : caption}
    </button>
  );
}
