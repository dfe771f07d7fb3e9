import { EventEmitter } from 'node:events';
import type { ApprovalDecision, HostKeyAlert, PendingApproval } from '../../../shared/approvals.js';

type Outcome = ApprovalDecision | 'timeout';

interface Waiting {
  item: PendingApproval;
  resolvers: ((outcome: Outcome) => void)[];
}

/** Alarms are for a person to read, not a history: keep the latest few. */
const MAX_ALERTS = 50;

/**
 * One queue of decisions for a person. The CLI, the daemon's web UI and the tray window answer it;
 * sessions waiting on the same key share one entry. Changed host keys are not questions: they are
 * refused, and kept here as alerts (event `alert`) until someone dismisses them.
 */
export class ApprovalBroker extends EventEmitter {
  private readonly waiting = new Map<string, Waiting>();
  private readonly alertList: HostKeyAlert[] = [];

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

  /** Records a refused, changed host key for the person to see; the same alarm repeated replaces the older one. */
  alert(alert: HostKeyAlert): void {
    const index = this.alertList.findIndex((a) => a.id === alert.id);
    if (index >= 0) this.alertList.splice(index, 1);
    this.alertList.push(alert);
    if (this.alertList.length > MAX_ALERTS) this.alertList.shift();
    this.emit('alert', alert);
  }

  alerts(): HostKeyAlert[] {
    return [...this.alertList];
  }

  /** Returns whether an alert with that id was there. */
  dismissAlert(id: string): boolean {
    const index = this.alertList.findIndex((a) => a.id === id);
    if (index < 0) return false;
    this.alertList.splice(index, 1);
    this.emit('alert-dismissed', id);
    return true;
  }
}
