import type { ApprovalDecision, HostKeyAlert, PendingApproval, PendingDeviceKey, PendingHostKey, PendingSecret, PendingToolCall } from '../../../shared/approvals.js';
import type { EngineEventMap } from '../../../shared/events.js';
import { EventBus } from '../events/event-bus.js';

type Outcome = ApprovalDecision | 'timeout';

/** How a secret request ends. The value goes only to the one who asked, never into an event. */
export type SecretOutcome = { value: string } | 'refused' | 'timeout';

type Answer = ApprovalDecision | { value: string } | 'refused';

interface Waiting {
  item: PendingApproval;
  resolvers: ((answer: Answer) => void)[];
}

/** Alarms are for a person to read, not a history: keep the latest few. */
const MAX_ALERTS = 50;

/**
 * One queue of decisions for a person (host keys, and the passphrases and passwords saved remotes need).
 * The CLI, the daemon's web UI and the tray window answer it; sessions waiting on the same key share one entry. Changed host keys are not questions: they are
 * refused, and kept here as alerts (event `alert`) until someone dismisses them.
 */
export class ApprovalBroker {
  private readonly waiting = new Map<string, Waiting>();
  private readonly alertList: HostKeyAlert[] = [];

  /** Emits approval-added, approval-removed, host-key-alert and host-key-alert-dismissed. */
  constructor(readonly events: EventBus<EngineEventMap> = new EventBus()) {}

  request(item: PendingHostKey, timeoutMs: number): Promise<Outcome> {
    return this.wait(item, timeoutMs) as Promise<Outcome>;
  }

  /** Asks a person whether an edge device's key may open its tunnel; answered only through answerDevice. */
  requestDevice(item: PendingDeviceKey, timeoutMs: number): Promise<Outcome> {
    return this.wait(item, timeoutMs) as Promise<Outcome>;
  }

  /** Answers a waiting device key by id or fingerprint. Returns how many were answered. */
  answerDevice(idOrFingerprint: string, decision: ApprovalDecision): number {
    let answered = 0;
    for (const [id, entry] of [...this.waiting]) {
      const item = entry.item;
      if (item.kind !== 'device-key' || (id !== idOrFingerprint && item.fingerprint !== idOrFingerprint)) continue;
      answered += this.settle(id, decision);
    }
    return answered;
  }

  /**
   * Asks a person whether a built-in SSH tool call may run (`approve-once`, `approve` for the session, `reject`).
   * When `signal` aborts (the host cancelled the call) the question is taken back: no one can allow a command whose
   * result nobody waits for any more.
   */
  requestToolCall(item: PendingToolCall, timeoutMs: number, signal?: AbortSignal): Promise<Outcome | 'withdrawn'> {
    return this.wait(item, timeoutMs, signal) as Promise<Outcome | 'withdrawn'>;
  }

  /** Asks a person for a passphrase or password; requests with the same id share one entry. */
  async requestSecret(item: PendingSecret, timeoutMs: number): Promise<SecretOutcome> {
    const answer = await this.wait(item, timeoutMs);
    if (answer === 'timeout') return 'timeout';
    return typeof answer === 'object' ? answer : 'refused';
  }

  private wait(item: PendingApproval, timeoutMs: number, signal?: AbortSignal): Promise<Answer | 'timeout' | 'withdrawn'> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve('withdrawn');
      let entry = this.waiting.get(item.id);
      const added = !entry;
      if (!entry) {
        entry = { item, resolvers: [] };
        this.waiting.set(item.id, entry);
      }
      /** This waiter stops waiting; the item leaves the queue with the last one. */
      const leave = (outcome: 'timeout' | 'withdrawn') => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', withdraw);
        const e = this.waiting.get(item.id);
        if (!e) return;
        e.resolvers = e.resolvers.filter((r) => r !== settle);
        if (e.resolvers.length === 0) {
          this.waiting.delete(item.id);
          this.events.emit('approval-removed', { id: e.item.id, remote: e.item.remote, outcome });
        }
        resolve(outcome);
      };
      const withdraw = () => leave('withdrawn');
      const timer = setTimeout(() => leave('timeout'), timeoutMs);
      timer.unref?.();
      signal?.addEventListener('abort', withdraw, { once: true });
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', withdraw);
        resolve(answer);
      };
      entry.resolvers.push(settle);
      // Only now: a listener may answer at once (the terminal prompt, a test), and must find us waiting.
      if (added) this.events.emit('approval-added', { approval: item });
    });
  }

  pending(): PendingApproval[] {
    return [...this.waiting.values()].map((w) => w.item);
  }

  /**
   * Answers host keys by id or by fingerprint (what people copy from `burrow hostkeys list`); a secret
   * only by its id, and only to refuse it. Returns how many were answered.
   */
  answer(idOrFingerprint: string, decision: ApprovalDecision): number {
    let answered = 0;
    for (const [id, entry] of [...this.waiting]) {
      const item = entry.item;
      if (item.kind === 'secret') {
        if (id === idOrFingerprint && decision === 'reject') answered += this.settle(id, 'refused');
        continue;
      }
      // Device keys are answered with a name and a port (answerDevice), never as a host key by mistake.
      if (item.kind === 'device-key') continue;
      if (item.kind === 'tool-call') {
        if (id === idOrFingerprint) answered += this.settle(id, decision);
        continue;
      }
      if (id !== idOrFingerprint && item.fingerprint !== idOrFingerprint) continue;
      answered += this.settle(id, decision);
    }
    return answered;
  }

  /** Gives the waiting connection its secret. Returns whether a secret request with that id was waiting. */
  answerSecret(id: string, value: string): boolean {
    return this.waiting.get(id)?.item.kind === 'secret' && this.settle(id, { value }) > 0;
  }

  refuseSecret(id: string): boolean {
    return this.waiting.get(id)?.item.kind === 'secret' && this.settle(id, 'refused') > 0;
  }

  private settle(id: string, answer: Answer): number {
    const entry = this.waiting.get(id);
    if (!entry) return 0;
    this.waiting.delete(id);
    for (const resolve of entry.resolvers) resolve(answer);
    // Events carry only what a person may see: a given secret reads as 'approve', a refusal as 'reject'.
    const outcome: ApprovalDecision = typeof answer === 'object' ? 'approve' : answer === 'refused' ? 'reject' : answer;
    this.events.emit('approval-removed', { id: entry.item.id, remote: entry.item.remote, outcome });
    return 1;
  }

  /** Records a refused, changed host key for the person to see; the same alarm repeated replaces the older one. */
  alert(alert: HostKeyAlert): void {
    const index = this.alertList.findIndex((a) => a.id === alert.id);
    if (index >= 0) this.alertList.splice(index, 1);
    this.alertList.push(alert);
    if (this.alertList.length > MAX_ALERTS) this.alertList.shift();
    this.events.emit('host-key-alert', { alert });
  }

  alerts(): HostKeyAlert[] {
    return [...this.alertList];
  }

  /** Returns whether an alert with that id was there. */
  dismissAlert(id: string): boolean {
    const index = this.alertList.findIndex((a) => a.id === id);
    if (index < 0) return false;
    this.alertList.splice(index, 1);
    this.events.emit('host-key-alert-dismissed', { id });
    return true;
  }
}
