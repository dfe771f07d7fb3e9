import type { RemoteStatus } from '../../../shared/api.js';
import { secretWanted, type PendingApproval } from '../../../shared/approvals.js';
import type { ConnectionState } from '../../../shared/events.js';

/**
 * One live state per saved remote, from what the pool reports (by remote name), the sessions open to it,
 * and the approval queue: a host key waiting for a person outranks whatever the pool says.
 */
export class RemoteStatusTracker {
  private readonly pool = new Map<string, { state: ConnectionState; detail?: string }>();

  constructor(
    private readonly remoteNames: () => string[],
    private readonly pending: () => PendingApproval[],
    private readonly sessions: (remote: string) => number,
    private readonly onChange: (status: RemoteStatus) => void,
  ) {}

  connectionState(remote: string, state: ConnectionState, detail?: string): void {
    this.pool.set(remote, { state, detail });
    this.changed(remote);
  }

  sessionsChanged(remote: string): void {
    this.changed(remote);
  }

  approvalsChanged(remote: string | undefined): void {
    if (remote) this.changed(remote);
  }

  status(name: string): RemoteStatus {
    const sessions = this.sessions(name);
    const waiting = this.pending().find((p) => p.remote === name);
    if (waiting) return { name, state: 'waiting-approval', detail: waitingDetail(waiting), sessions };
    const pool = this.pool.get(name);
    return { name, state: pool?.state ?? 'disconnected', detail: pool?.detail, sessions };
  }

  all(): RemoteStatus[] {
    return this.remoteNames().map((name) => this.status(name));
  }

  changed(name: string): void {
    this.onChange(this.status(name));
  }
}

function waitingDetail(waiting: PendingApproval): string {
  if (waiting.kind === 'secret') return `${secretWanted(waiting)} waits to be entered`;
  if (waiting.kind === 'tool-call') return `${waiting.tool} (${waiting.detail}) waits for approval`;
  return `host key ${waiting.fingerprint} of ${waiting.host}:${waiting.port} waits for approval`;
}
