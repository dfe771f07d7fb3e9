import type { RemoteStatus } from '../../../shared/api.js';
import { deviceKeyWanted, secretWanted, type PendingApproval } from '../../../shared/approvals.js';
import type { ConnectionState } from '../../../shared/events.js';
import type { Remote } from '../../../shared/remote.js';

/**
 * One live state per saved remote, from what the pool reports (by remote name), the sessions open to it,
 * and the approval queue: a host key waiting for a person outranks whatever the pool says.
 */
export class RemoteStatusTracker {
  private readonly pool = new Map<string, { state: ConnectionState; detail?: string }>();

  constructor(
    private readonly remotes: () => Pick<Remote, 'name' | 'tunnel'>[],
    private readonly pending: () => PendingApproval[],
    private readonly sessions: (remote: string) => number,
    private readonly onChange: (status: RemoteStatus) => void,
    /** Whether an edge device is dialled in now (the embedded SSH server's registry), for tunnel remotes. */
    private readonly tunnelIsUp: (device: string) => boolean = () => false,
    /** Sessions of a remote that wait for it to come back (they resume then). */
    private readonly waitingSessions: (remote: string) => number = () => 0,
  ) {}

  connectionState(remote: string, state: ConnectionState, detail?: string): void {
    this.pool.set(remote, { state, detail });
    this.changed(remote);
  }

  sessionsChanged(remote: string): void {
    this.changed(remote);
  }

  /** A device's tunnel came up or went down: every remote pointing at it changes state. */
  tunnelChanged(event: { device: string; state: 'up' | 'down' }): void {
    for (const r of this.remotes()) if (r.tunnel?.device === event.device) this.changed(r.name);
  }

  status(name: string): RemoteStatus {
    const sessions = this.sessions(name);
    const waiting = this.pending().find((p) => p.remote === name);
    if (waiting) return { name, state: 'waiting-approval', detail: waitingDetail(waiting), sessions };
    const pool = this.pool.get(name);
    const device = this.remotes().find((r) => r.name === name)?.tunnel?.device;
    if (device) {
      const up = this.tunnelIsUp(device);
      const detail = [up ? 'tunnel up' : `tunnel down: device ${device} has not dialled in`, pool?.detail].filter(Boolean).join('; ');
      return { name, state: pool?.state ?? 'disconnected', detail, sessions, tunnel: up ? 'up' : 'down' };
    }
    const waitingCount = this.waitingSessions(name);
    const detail = waitingCount ? [pool?.detail, `${waitingCount} session${waitingCount === 1 ? '' : 's'} waiting for ${name}`].filter(Boolean).join('; ') : pool?.detail;
    return { name, state: pool?.state ?? 'disconnected', detail, sessions, ...(waitingCount ? { waiting: waitingCount } : {}) };
  }

  all(): RemoteStatus[] {
    return this.remotes().map((r) => this.status(r.name));
  }

  changed(name: string): void {
    this.onChange(this.status(name));
  }
}

function waitingDetail(waiting: PendingApproval): string {
  if (waiting.kind === 'secret') return `${secretWanted(waiting)} waits to be entered`;
  if (waiting.kind === 'device-key') return `${deviceKeyWanted(waiting)}; waits for approval`;
  if (waiting.kind === 'tool-call') return `${waiting.tool} (${waiting.detail}) waits for approval`;
  return `host key ${waiting.fingerprint} of ${waiting.host}:${waiting.port} waits for approval`;
}
