import type { TestStep, TestStepName } from '../../../shared/api.js';

const STEPS: { step: TestStepName; label: string }[] = [
  { step: 'tcp', label: 'TCP connection' },
  { step: 'host-key', label: 'Host key' },
  { step: 'auth', label: 'Authentication' },
  { step: 'mcp-initialize', label: 'MCP initialize' },
];

/** Each step of a connection test: passed, failed (with why), still running, or never reached. */
export function TestSteps({ steps, running }: { steps: TestStep[] | undefined; running: boolean }) {
  return (
    <ol className="steps" aria-label="Connection test">
      {STEPS.map(({ step, label }) => {
        const result = steps?.find((s) => s.step === step);
        // The engine answers with all steps at once: while it works, every step is pending.
        const state = result ? (result.ok ? 'ok' : 'failed') : running ? 'running' : steps ? 'skipped' : 'idle';
        return (
          <li key={step} className={`step step-${state}`} data-step={step} data-state={state}>
            <span className="step-icon" aria-hidden>
              {state === 'ok' ? '✓' : state === 'failed' ? '✕' : state === 'running' ? <span className="spinner" /> : '·'}
            </span>
            <span className="step-label">{label}</span>
            <span className="step-detail">{result?.detail ?? (state === 'skipped' ? 'not reached' : '')}</span>
            <span className="step-ms muted small">{result?.ms !== undefined ? `${result.ms} ms` : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}
