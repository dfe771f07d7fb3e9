import type { ApprovalBroker } from '../approvals/approval-broker.js';

/** Where a saved remote logs in: what the person asked for its sudo password is shown. */
export interface SudoTarget {
  host: string;
  port: number;
  user: string;
}

/**
 * `ToolDeps.sudoPassword` / `forgetSudoPassword` through the engine's approval queue: a `secret` item of kind
 * `sudo-password`, answered with `burrow secrets enter ID`, the window or the web UI. A given password is kept in
 * memory only (never written) until it proves wrong or the engine stops.
 */
export class SudoPasswords {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly broker: ApprovalBroker,
    private readonly target: (remote: string) => SudoTarget | undefined,
    private readonly timeoutMs: number,
  ) {}

  async get(remote: string, _reason: string): Promise<string | undefined> {
    const cached = this.known.get(remote);
    if (cached !== undefined) return cached;
    const where = this.target(remote);
    if (!where) return undefined;
    const outcome = await this.broker.requestSecret(
      { id: `${remote}|sudo-password`, kind: 'secret', secret: 'sudo-password', remote, ...where, requestedAt: new Date().toISOString() },
      this.timeoutMs,
    );
    if (typeof outcome !== 'object') return undefined;
    this.known.set(remote, outcome.value);
    return outcome.value;
  }

  forget(remote: string): void {
    this.known.delete(remote);
  }
}
