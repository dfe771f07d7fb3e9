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

/** One event applied to the state (each is idempotent: applying it again changes nothing). */
export function applyEngineEvent(s: EngineState, event: BurrowEvent): EngineState {
  switch (event.type) {
    case 'remote-state':
      return { ...s, statuses: { ...s.statuses, [event.status.name]: event.status } };
    case 'approval-added':
      return { ...s, approvals: [...s.approvals.filter((a) => a.id !== event.approval.id), event.approval] };
    case 'approval-removed':
      return { ...s, approvals: s.approvals.filter((a) => a.id !== event.id) };
    case 'host-key-alert':
      return { ...s, alerts: [...s.alerts.filter((a) => a.id !== event.alert.id), event.alert] };
    case 'host-key-alert-dismissed':
      return { ...s, alerts: s.alerts.filter((a) => a.id !== event.id) };
    default:
      return s;
  }
}

/**
 * The reads of the whole state and the events heard around them. A read takes a moment, and events keep coming
 * meanwhile: only the newest read is used, and the events heard since it began are applied again on top of what it
 * read (they are idempotent), so an alarm or an approval raised during a read is never lost, nor undone by an older
 * read that answered late.
 */
export class EngineStateReads {
  private newest = 0;
  /** Events heard while the newest read is under way; undefined when none is. */
  private heard: BurrowEvent[] | undefined;

  /** A read begins: its number, to hand back with what it read. */
  begin(): number {
    this.heard = [];
    return ++this.newest;
  }

  /** An event heard: kept for the read under way, if any. */
  hear(event: BurrowEvent): void {
    this.heard?.push(event);
  }

  /** What read number `read` found, with the events since applied; undefined when a newer read has begun. */
  settle(read: number, found: EngineState): EngineState | undefined {
    if (read !== this.newest) return undefined;
    const heard = this.heard ?? [];
    this.heard = undefined;
    return heard.reduce(applyEngineEvent, found);
  }

  /** Read number `read` failed: true when it was the newest (its error is the one to show). */
  failed(read: number): boolean {
    if (read !== this.newest) return false;
    this.heard = undefined;
    return true;
  }
}

/** Remotes, their live states, pending approvals and alarms: read once, then kept current by events. */
export function useEngineState(api: BurrowApi, onEvent?: (event: BurrowEvent) => void): [EngineState, () => void] {
  const [state, setState] = useState<EngineState>({ remotes: [], statuses: {}, approvals: [], alerts: [], loaded: false });
  // Read through a ref: re-subscribing whenever the caller's callback changes could drop events in between.
  const eventHook = useRef(onEvent);
  eventHook.current = onEvent;
  const [reads] = useState(() => new EngineStateReads());

  const reload = useCallback(() => {
    const read = reads.begin();
    Promise.all([api.listRemotes(), api.remoteStatuses(), api.pendingApprovals(), api.hostKeyAlerts()]).then(
      ([remotes, statuses, approvals, alerts]) => {
        const settled = reads.settle(read, { remotes, statuses: Object.fromEntries(statuses.map((s) => [s.name, s])), approvals, alerts, loaded: true });
        if (settled) setState(settled);
      },
      (error) => {
        if (reads.failed(read)) setState((s) => ({ ...s, error: errorText(error), loaded: true }));
      },
    );
  }, [api, reads]);

  useEffect(() => {
    // Listening first, then reading: an event between the two is heard, not missed.
    const unsubscribe = api.subscribe((event) => {
      eventHook.current?.(event);
      if (event.type === 'remotes-changed') {
        reload();
        return;
      }
      reads.hear(event);
      setState((s) => applyEngineEvent(s, event));
      // Relayed messages come on their own subscription (App.tsx, while the inspector shows).
    }, { traffic: false });
    reload();
    return unsubscribe;
  }, [api, reload, reads]);

  return [state, reload];
}
