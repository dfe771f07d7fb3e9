import { oneLine } from '../errors.js';
import type { Logger } from '../logging/logger.js';

type Listener<P> = (payload: P) => void;

/**
 * Typed events: one map of name → payload, one bus per engine. A listener that throws is logged and the others
 * still run. `listening(name)` lets costly sources (the relay's traffic copies) run only while someone listens.
 */
export class EventBus<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();
  /** Called when the first listener of an event arrives or the last one leaves. */
  private readonly watchers = new Map<keyof M, (active: boolean) => void>();

  constructor(private readonly logger?: Logger) {}

  on<K extends keyof M>(name: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    if (set.size === 1) this.watchers.get(name)?.(true);
    return () => this.off(name, listener);
  }

  off<K extends keyof M>(name: K, listener: Listener<M[K]>): void {
    const set = this.listeners.get(name);
    if (!set?.delete(listener as Listener<never>)) return;
    if (set.size === 0) this.watchers.get(name)?.(false);
  }

  emit<K extends keyof M>(name: K, payload: M[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<M[K]>)(payload);
      } catch (error) {
        this.logger?.warn(`a listener of "${String(name)}" failed: ${oneLine(error)}`);
      }
    }
  }

  listening(name: keyof M): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0;
  }

  /** Listeners of every event together (`engineStatus`: a closed window or CLI command must leave none behind). */
  listenerCount(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  /** Told when `name` gains its first listener or loses its last. */
  watch(name: keyof M, onChange: (active: boolean) => void): void {
    this.watchers.set(name, onChange);
  }
}
