import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type AuditEvent =
  | { event: 'connect'; remote: string; address: string; ok: boolean; error?: string }
  | { event: 'host-key'; address: string; fingerprint: string; verdict: string; detail?: string }
  | { event: 'session'; remote: string; session: number; state: 'open' | 'closed' | 'failed'; error?: string }
  | { event: 'device'; fingerprint: string; verdict: 'asked' | 'approved' | 'rejected' | 'forgotten' | 'tunnel-up' | 'tunnel-down'; device?: string; port?: number; address?: string };

/** JSON lines of connections, host-key decisions and sessions, one file per day. Never secrets. */
export class AuditLog {
  constructor(private readonly dir: string | undefined) {}

  record(entry: AuditEvent): void {
    if (!this.dir) return;
    const now = new Date();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `audit-${now.toISOString().slice(0, 10)}.jsonl`);
    // Synchronous: a helper that refuses a key exits right after, and the entry must survive that.
    appendFileSync(file, `${JSON.stringify({ time: now.toISOString(), ...entry })}\n`, { mode: 0o600 });
  }
}
