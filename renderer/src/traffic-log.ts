import type { TrafficEntry } from '../../shared/api.js';

const MAX_ENTRIES = 2000;

/**
 * Every relayed message since the window opened (the newest MAX_ENTRIES), kept outside React state
 * so a busy session does not re-render the whole app per message; views subscribe and redraw in batches.
 */
export class TrafficLog {
  private entries: TrafficEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  add(entry: TrafficEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      for (const l of this.listeners) l();
    }, 100);
  }

  all(): TrafficEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
