import { describe, expect, it } from 'vitest';
import type { RemoteStatus } from '../../shared/api.js';
import { RemoteStatusTracker } from '../../electron/core/status/remote-status.js';
import { remoteLabel } from '../../electron/shell/tray-menu.js';

/** Where a person sees that a session waits for its remote: the remote's status (burrow status, window) and the tray. */
describe('a session waiting for its remote', () => {
  const tracker = (waiting: number) =>
    new RemoteStatusTracker(
      () => [{ name: 'prod' }],
      () => [],
      () => 2,
      () => {},
      () => false,
      () => waiting,
    );

  it('shows in the remote\'s status detail and count, beside what the pool says', () => {
    const t = tracker(1);
    t.connectionState('prod', 'reconnecting', 'next try in 2s');
    expect(t.status('prod')).toEqual({ name: 'prod', state: 'reconnecting', detail: 'next try in 2s; 1 session waiting for prod', sessions: 2, waiting: 1 });
  });

  it('is absent when no session waits', () => {
    const t = tracker(0);
    t.connectionState('prod', 'connected');
    expect(t.status('prod')).toEqual({ name: 'prod', state: 'connected', detail: undefined, sessions: 2 });
  });

  it('the tray says "waiting for prod"', () => {
    const status: RemoteStatus = { name: 'prod', state: 'reconnecting', sessions: 1, waiting: 1 };
    expect(remoteLabel(status)).toBe('◌  prod — reconnecting… (1 session waiting for prod)');
    expect(remoteLabel({ name: 'prod', state: 'connected', sessions: 3, waiting: 2 })).toBe('●  prod — connected (3 sessions) (2 sessions waiting for prod)');
  });
});
