import type { RemoteStatus } from '../../../shared/api.js';
import { secretWanted, type PendingApproval } from '../../../shared/approvals.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { PoolStateEvent } from '../ssh/connection-pool.js';

/**
 * One live state per saved remote, from what the pool reports (by remote name), the sessions open to it,
 * and the approval queue: a host key waiting for a person outranks whatever the pool says.
 */
export class RemoteStatusTracker {
  private readonly pool = new Map<string, { state: PoolStateEvent['state']; detail?: string }>();
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly pending: () => PendingApproval[],
    private readonly onChange: (status: RemoteStatus) => void,
  ) {}

  poolState(event: PoolStateEvent): void {
    this.pool.set(event.label, { state: event.state, detail: event.detail });
    this.changed(event.label);
  }

  sessionsChanged(remote: string, delta: number): void {
    this.sessions.set(remote, Math.max(0, (this.sessions.get(remote) ?? 0) + delta));
    this.changed(remote);
  }

  approvalsChanged(remote: string | undefined): void {
    if (remote) this.changed(remote);
  }

  status(name: string): RemoteStatus {
    const sessions = this.sessions.get(name) ?? 0;
    const waiting = this.pending().find((p) => p.remote === name);
    if (waiting) return { name, state: 'waiting-approval', detail: waitingDetail(waiting), sessions };
    const pool = this.pool.get(name);
    return { name, state: pool?.state ?? 'disconnected', detail: pool?.detail, sessions };
  }

  all(): RemoteStatus[] {
    return this.settings.listRemotes().map((r) => this.status(r.name));
  }

  private changed(name: string): void {
    this.onChange(this.status(name));
  }
}

function waitingDetail(waiting: PendingApproval): string {
  if (waiting.kind === 'secret') return `${secretWanted(waiting)} waits to be entered`;
  if (waiting.kind === 'tool-call') return `${waiting.tool} (${waiting.detail}) waits for approval`;
  return `host key ${waiting.fingerprint} of ${waiting.host}:${waiting.port} waits for approval`;
}
