import { EventEmitter } from 'node:events';
import type { ApprovalDecision, PendingApproval } from '../../../shared/approvals.js';

type Outcome = ApprovalDecision | 'timeout';

interface Waiting {
  item: PendingApproval;
  resolvers: ((outcome: Outcome) => void)[];
}

/**
 * One queue of decisions for a person. The CLI, the daemon's web UI and the tray window answer it;
 * sessions waiting on the same key share one entry.
 */
export class ApprovalBroker extends EventEmitter {
  private readonly waiting = new Map<string, Waiting>();

  request(item: PendingApproval, timeoutMs: number): Promise<Outcome> {
    return new Promise((resolve) => {
      let entry = this.waiting.get(item.id);
      if (!entry) {
        entry = { item, resolvers: [] };
        this.waiting.set(item.id, entry);
        this.emit('added', item);
      }
      const timer = setTimeout(() => {
        const e = this.waiting.get(item.id);
        if (!e) return;
        e.resolvers = e.resolvers.filter((r) => r !== settle);
        if (e.resolvers.length === 0) {
          this.waiting.delete(item.id);
          this.emit('removed', item, 'timeout');
        }
        resolve('timeout');
      }, timeoutMs);
      timer.unref?.();
      const settle = (outcome: Outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      entry.resolvers.push(settle);
    });
  }

  pending(): PendingApproval[] {
    return [...this.waiting.values()].map((w) => w.item);
  }

  /** Answers by id or by fingerprint (what people copy from `burrow hostkeys list`). Returns how many were answered. */
  answer(idOrFingerprint: string, decision: ApprovalDecision): number {
    let answered = 0;
    for (const [id, entry] of [...this.waiting]) {
      if (id !== idOrFingerprint && entry.item.fingerprint !== idOrFingerprint) continue;
      this.waiting.delete(id);
      for (const resolve of entry.resolvers) resolve(decision);
      this.emit('removed', entry.item, decision);
      answered++;
    }
    return answered;
  }
}
