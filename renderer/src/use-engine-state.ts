import { useCallback, useEffect, useRef, useState } from 'react';
import type { BurrowApi, BurrowEvent, RemoteStatus } from '../../shared/api.js';
import type { HostKeyAlert, PendingApproval } from '../../shared/approvals.js';
import type { Remote } from '../../shared/remote.js';
import { errorText } from './api-context.js';

export interface EngineState {
  remotes: Remote[];
  statuses: Record<string, RemoteStatus>;
  approvals: PendingApproval[];
  alerts: HostKeyAlert[];
  /** Why the last read failed (daemon gone, wrong token), if it did. */
  error?: string;
  loaded: boolean;
}

/** Remotes, their live states, pending approvals and alarms: read once, then kept current by events. */
export function useEngineState(api: BurrowApi, onEvent?: (event: BurrowEvent) => void): [EngineState, () => void] {
  const [state, setState] = useState<EngineState>({ remotes: [], statuses: {}, approvals: [], alerts: [], loaded: false });
  // Read through a ref: re-subscribing whenever the caller's callback changes could drop events in between.
  const eventHook = useRef(onEvent);
  eventHook.current = onEvent;

  const reload = useCallback(() => {
    Promise.all([api.listRemotes(), api.remoteStatuses(), api.pendingApprovals(), api.hostKeyAlerts()]).then(
      ([remotes, statuses, approvals, alerts]) =>
        setState({ remotes, statuses: Object.fromEntries(statuses.map((s) => [s.name, s])), approvals, alerts, loaded: true }),
      (error) => setState((s) => ({ ...s, error: errorText(error), loaded: true })),
    );
  }, [api]);

  useEffect(() => {
    reload();
    return api.subscribe((event) => {
      eventHook.current?.(event);
      switch (event.type) {
        case 'remotes-changed':
          reload();
          break;
        case 'remote-state':
          setState((s) => ({ ...s, statuses: { ...s.statuses, [event.status.name]: event.status } }));
          break;
        case 'approval-added':
          setState((s) => ({ ...s, approvals: [...s.approvals.filter((a) => a.id !== event.approval.id), event.approval] }));
          break;
        case 'approval-removed':
          setState((s) => ({ ...s, approvals: s.approvals.filter((a) => a.id !== event.id) }));
          break;
        case 'host-key-alert':
          setState((s) => ({ ...s, alerts: [...s.alerts.filter((a) => a.id !== event.alert.id), event.alert] }));
          break;
        case 'host-key-alert-dismissed':
          setState((s) => ({ ...s, alerts: s.alerts.filter((a) => a.id !== event.id) }));
          break;
      }
      // Relayed messages come on their own subscription (App.tsx, while the inspector shows).
    }, { traffic: false });
  }, [api, reload]);

  return [state, reload];
}
