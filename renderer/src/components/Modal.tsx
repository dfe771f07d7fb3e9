import { useEffect, useRef, type ReactNode } from 'react';

/** A dialog over the window; focus moves into it and stays there, as in a native sheet. */
export function Modal({ labelledBy, children, className = '' }: { labelledBy: string; children: ReactNode; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const focusable = el.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? el.querySelector<HTMLElement>('button');
    focusable?.focus();
  }, []);
  return (
    <div className="modal-backdrop">
      <div ref={ref} className={`modal ${className}`} role="dialog" aria-modal="true" aria-labelledby={labelledBy}>
        {children}
      </div>
    </div>
  );
}
