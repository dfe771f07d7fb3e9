import { useState } from 'react';
import { errorText } from './api-context.js';

/** One request at a time from a runner (a tool, prompt or resource): whether it runs, its last result, its error as one line. */
export function useExchange<T>(): { running: boolean; result: T | undefined; error: string | undefined; run: (request: () => Promise<T>) => void } {
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<T>();
  const [error, setError] = useState<string>();
  const run = (request: () => Promise<T>) => {
    setRunning(true);
    setError(undefined);
    request().then(
      (r) => {
        setResult(r);
        setRunning(false);
      },
      (e) => {
        setError(errorText(e));
        setRunning(false);
      },
    );
  };
  return { running, result, error, run };
}
