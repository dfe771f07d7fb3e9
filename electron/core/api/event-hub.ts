import type { BurrowEvent } from '../../../shared/api.js';

/**
 * Fans engine events out to every UI that subscribed. `onFirst`/`onLast` let costly sources
 * (the relay's traffic tap) run only while someone is watching.
 */
export class EventHub {
  private readonly listeners = new Map<(event: BurrowEvent) => void, { traffic: boolean }>();
  private trafficListeners = 0;

  /** `onFirst`/`onLast` run when the first traffic listener comes and the last one goes. */
  constructor(private readonly hooks: { onFirst?: () => void; onLast?: () => void } = {}) {}

  /** `traffic: false` takes every event but the relayed messages, and costs the relay nothing. */
  subscribe(listener: (event: BurrowEvent) => void, options: { traffic?: boolean } = {}): () => void {
    const wanted = { traffic: options.traffic !== false };
    // The same function twice is one subscription, as before.
    if (this.listeners.has(listener)) return () => {};
    this.listeners.set(listener, wanted);
    if (wanted.traffic && ++this.trafficListeners === 1) this.hooks.onFirst?.();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.listeners.delete(listener);
      if (wanted.traffic && --this.trafficListeners === 0) this.hooks.onLast?.();
    };
  }

  emit(event: BurrowEvent): void {
    for (const [listener, wanted] of this.listeners) {
      if (event.type === 'traffic' && !wanted.traffic) continue;
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket) must not stop the others.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
