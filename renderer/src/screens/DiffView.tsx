import { useMemo, type ReactElement } from 'react';
import { diffLines } from '../line-diff.js';

const CONTEXT = 4;

/** The exact change to a config file, with a few lines of context around each change. */
export function DiffView({ before, after }: { before: string; after: string }) {
  const lines = useMemo(() => diffLines(before, after), [before, after]);
  const near = new Set<number>();
  lines.forEach((l, i) => {
    if (l.kind === 'same') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(lines.length - 1, i + CONTEXT); k++) near.add(k);
  });
  const out: ReactElement[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (!near.has(i)) {
      skipped++;
      return;
    }
    if (skipped) {
      out.push(
        <div key={`gap-${i}`} className="diff-gap">
          ⋯ {skipped} unchanged line{skipped === 1 ? '' : 's'}
        </div>,
      );
      skipped = 0;
    }
    out.push(
      <div key={i} className={`diff-line diff-${l.kind}`}>
        <span className="diff-no">{l.oldNo ?? ''}</span>
        <span className="diff-no">{l.newNo ?? ''}</span>
        <span className="diff-sign">{l.kind === 'add' ? '+' : l.kind === 'remove' ? '−' : ' '}</span>
        <span className="diff-text">{l.text}</span>
      </div>,
    );
  });
  if (skipped) out.push(<div key="gap-end" className="diff-gap">⋯ {skipped} unchanged line{skipped === 1 ? '' : 's'}</div>);
  return (
    <div className="diff mono" data-testid="config-diff">
      {out}
    </div>
  );
}
