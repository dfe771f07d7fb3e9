import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFileError, makeDir } from '../file-errors.js';

export type AuditEvent =
  | { event: 'connect'; remote: string; address: string; ok: boolean; error?: string }
  | { event: 'host-key'; address: string; fingerprint: string; verdict: string; detail?: string }
  | { event: 'session'; remote: string; session: number; state: 'open' | 'closed' | 'failed' | 'waiting' | 'resumed'; error?: string }
  | { event: 'device'; fingerprint: string; verdict: 'asked' | 'approved' | 'rejected' | 'forgotten' | 'tunnel-up' | 'tunnel-down'; device?: string; port?: number; address?: string };

/** JSON lines of connections, host-key decisions and sessions, one file per day. Never secrets. */
export class AuditLog {
  private warned = false;

  constructor(
    private readonly dir: string | undefined,
    /** Where "cannot write the audit log" goes, once; stderr by default (never stdout: it is protocol). */
    private readonly warn: (line: string) => void = (line) => process.stderr.write(`burrow: warn: ${line}\n`),
  ) {}

  record(entry: AuditEvent): void {
    if (!this.dir) return;
    const now = new Date();
    const file = join(this.dir, `audit-${now.toISOString().slice(0, 10)}.jsonl`);
    try {
      makeDir(this.dir, 0o700);
      // Synchronous: a helper that refuses a key exits right after, and the entry must survive that.
      appendFileSync(file, `${JSON.stringify({ time: now.toISOString(), ...entry })}\n`, { mode: 0o600 });
    } catch (error) {
      // This log records connections; one that cannot be written must not stop them (tool calls have their own, strict audit).
      if (this.warned) return;
      this.warned = true;
      this.warn(`${describeFileError(error, file, 'write the audit log')}; going on without it`);
    }
  }
}
