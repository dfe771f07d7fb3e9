import type { BurrowEvent } from '../../../shared/api.js';

/**
 * Fans engine events out to every UI that subscribed. `onFirst`/`onLast` let costly sources
 * (the relay's traffic tap) run only while someone is watching.
 */
export class EventHub {
  private readonly listeners = new Set<(event: BurrowEvent) => void>();

  constructor(private readonly hooks: { onFirst?: () => void; onLast?: () => void } = {}) {}

  subscribe(listener: (event: BurrowEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.hooks.onFirst?.();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.hooks.onLast?.();
    };
  }

  emit(event: BurrowEvent): void {
    for (const listener of this.listeners) {
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
