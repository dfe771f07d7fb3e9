import type { RemoteState } from '../../../shared/api.js';

export const STATE_LABELS: Record<RemoteState, string> = {
  connected: 'Connected',
  idle: 'Idle',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  'waiting-approval': 'Waiting for approval',
  error: 'Error',
  disconnected: 'Not connected',
};

export function StatusDot({ state }: { state: RemoteState }) {
  return <span className={`dot dot-${state}`} aria-hidden />;
}
