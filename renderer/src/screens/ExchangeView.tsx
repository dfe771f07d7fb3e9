import { useEffect, useRef, type ReactNode } from 'react';
import type { McpExchange } from '../../../shared/api.js';
import { CopyButton } from '../components/CopyButton.js';
import { durationText } from '../duration-text.js';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/** The raw JSON of one request and its result, each with a copy button. */
export function RawJson({ title, value, testId, open }: { title: string; value: unknown; testId?: string; open?: boolean }) {
  const text = json(value);
  return (
    <details className="raw-json" data-testid={testId} open={open}>
      <summary>
        {title}
        <CopyButton text={text} label={title} />
      </summary>
      <pre className="mono json">{text}</pre>
    </details>
  );
}

/** A request the inspector made, and what came back: the result head, then the raw request and result. */
export function ExchangeView({ exchange, testId, children }: { exchange: McpExchange; testId: string; children?: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  // The form above pushes each new result below the pane's fold; bring it into sight (its head first when it is taller).
  // A block body: Chromium's scrollIntoView returns a promise, which React would take for a cleanup function.
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'nearest' });
  }, [exchange]);
  return (
    <div className="result" data-testid={testId} ref={box}>
      <div className="result-head">
        <span className={`pill ${exchange.isError ? 'pill-error' : 'pill-ok'}`}>{exchange.isError ? 'Error' : 'Result'}</span>
        <span className="mono small">{exchange.request.method}</span>
        <span className="muted small">{durationText(exchange.ms)}</span>
        <CopyButton text={json(exchange.raw)} label="result" caption="Copy result" />
      </div>
      {children}
      <RawJson title="Request JSON" value={{ jsonrpc: '2.0', method: exchange.request.method, params: exchange.request.params }} testId="raw-request" />
      <RawJson title="Result JSON" value={exchange.raw} testId="raw-result" open={!children} />
    </div>
  );
}
