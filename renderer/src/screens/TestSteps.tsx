import { useEffect, useState } from 'react';
import type { TestStep, TestStepName } from '../../../shared/api.js';
import { useApi } from '../api-context.js';

const STEPS: { step: TestStepName; label: string }[] = [
  { step: 'tcp', label: 'TCP connection' },
  { step: 'host-key', label: 'Host key' },
  { step: 'auth', label: 'Authentication' },
];
const MCP_STEP = { step: 'mcp-initialize', label: 'MCP initialize' } as const;
/** A remote with no MCP server of its own is tested for what the built-in tools do: run a command. */
const EXEC_STEP = { step: 'exec', label: 'Runs a command' } as const;

/** Where a running test is, as far as the window can tell before the engine answers with every step at once. */
type Progress = 'started' | 'key-asked' | 'key-approved';

/**
 * Each step of a connection test: passed, failed (with why), running, waiting, or never reached. The engine answers
 * with all steps at the end; a host key asked about in between shows that the TCP connection already passed.
 */
export function TestSteps({ steps, running, target, toolsOnly }: { steps: TestStep[] | undefined; running: boolean; target?: { host: string; port: number }; toolsOnly?: boolean }) {
  const progress = useTestProgress(running, target);
  return (
    <ol className="steps" aria-label="Connection test">
      {[...STEPS, toolsOnly ? EXEC_STEP : MCP_STEP].map(({ step, label }, index) => {
        const result = steps?.find((s) => s.step === step);
        const live = running ? liveState(progress, index) : undefined;
        const state = result ? (result.ok ? 'ok' : 'failed') : live ? live.state : steps ? 'skipped' : 'idle';
        return (
          <li key={step} className={`step step-${state}`} data-step={step} data-state={state}>
            <span className="step-icon" aria-hidden>
              {state === 'ok' ? '✓' : state === 'failed' ? '✕' : state === 'running' ? <span className="spinner" /> : '·'}
            </span>
            <span className="step-label">{label}</span>
            <span className="step-detail">{result?.detail ?? live?.detail ?? (state === 'skipped' ? 'not reached' : '')}</span>
            <span className="step-ms muted small">{result?.ms !== undefined ? `${result.ms} ms` : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}

function liveState(progress: Progress, index: number): { state: 'ok' | 'running' | 'waiting' | 'pending'; detail?: string } {
  // The step the test is on: 0 while connecting, 1 while the key waits, 2 (authentication) once approved.
  const current = progress === 'started' ? 0 : progress === 'key-asked' ? 1 : 2;
  if (index < current) return { state: 'ok', detail: index === 0 ? 'connected' : 'approved' };
  if (index === current) return progress === 'key-asked' ? { state: 'waiting', detail: 'waiting for your approval' } : { state: 'running' };
  return { state: 'pending' };
}

/** Follows the approval queue while a test runs: a host-key question for the tested address moves the test on. */
function useTestProgress(running: boolean, target?: { host: string; port: number }): Progress {
  const api = useApi();
  const [progress, setProgress] = useState<Progress>('started');
  const host = target?.host;
  const port = target?.port;
  useEffect(() => {
    setProgress('started');
    if (!running) return undefined;
    const asked = new Set<string>();
    return api.subscribe((event) => {
      if (event.type === 'approval-added' && event.approval.kind === 'host-key' && (host === undefined || (event.approval.host === host && event.approval.port === port))) {
        asked.add(event.approval.id);
        setProgress('key-asked');
      } else if (event.type === 'approval-removed' && asked.has(event.id)) {
        if (event.outcome === 'approve' || event.outcome === 'approve-once') setProgress('key-approved');
      }
    }, { traffic: false });
  }, [api, running, host, port]);
  return progress;
}
