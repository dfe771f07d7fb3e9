import type { TrafficEntry } from '../../shared/api.js';

const MAX_ENTRIES = 2000;

/**
 * The relayed messages the view shows: the engine's history (its last 1000) joined with live ones by their `seq`,
 * kept outside React state so a busy session does not re-render the whole app per message; views redraw in batches.
 */
export class TrafficLog {
  private entries: TrafficEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private scheduled = false;
  /** Messages up to this seq were cleared by the person: history fetched again does not bring them back. */
  private clearedUpTo = 0;

  add(entry: TrafficEntry): void {
    if (entry.seq !== undefined && entry.seq <= this.lastSeq()) return;
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.changed();
  }

  /**
   * The engine's history, fetched after subscribing: live entries that arrived meanwhile and are newer stay after it.
   * An entry without seq (an engine that keeps no history) is simply kept.
   */
  fill(history: TrafficEntry[]): void {
    const kept = history.filter((e) => (e.seq ?? 0) > this.clearedUpTo);
    const last = kept.at(-1)?.seq ?? 0;
    this.entries = [...kept, ...this.entries.filter((e) => e.seq === undefined || e.seq > last)].slice(-MAX_ENTRIES);
    this.changed();
  }

  all(): TrafficEntry[] {
    return this.entries;
  }

  clear(): void {
    this.clearedUpTo = Math.max(this.clearedUpTo, this.lastSeq());
    this.entries = [];
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private lastSeq(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  private changed(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    }, 100);
  }
}
