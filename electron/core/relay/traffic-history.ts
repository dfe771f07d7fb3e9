import type { TrafficEntry } from '../../../shared/api.js';

/** How many relayed messages the engine keeps for the traffic view (a reloaded window shows them again). */
export const TRAFFIC_HISTORY_SIZE = 1000;
/** Larger messages are kept without their body (and, with nobody watching, are not even parsed for it). */
export const HISTORY_MAX_MESSAGE_BYTES = 64 * 1024;
/** All kept bodies together: past this the oldest lose theirs, so a busy engine holds at most this much of them. */
export const HISTORY_BODY_BUDGET_BYTES = 16 * 1024 * 1024;

/** The newest relayed messages, in a fixed ring: adding is O(1) (amortized) and never holds more than its budget. */
export class TrafficHistory {
  private readonly ring: (TrafficEntry | undefined)[];
  private next = 0;
  private seq = 0;
  private bodyBytes = 0;
  /** Entries up to this seq have no body any more: shedding starts after them. */
  private shedUpTo = 0;

  constructor(
    readonly size = TRAFFIC_HISTORY_SIZE,
    private readonly budget = HISTORY_BODY_BUDGET_BYTES,
  ) {
    this.ring = new Array<TrafficEntry | undefined>(size);
  }

  /** Numbers the entry (its `seq`) and keeps it, without its body when that is large; returns it as given. */
  add(entry: TrafficEntry): TrafficEntry {
    entry.seq = ++this.seq;
    const evicted = this.ring[this.next];
    if (evicted?.message !== undefined) this.bodyBytes -= evicted.bytes;
    const kept = entry.message !== undefined && entry.bytes > HISTORY_MAX_MESSAGE_BYTES ? { ...entry, message: undefined } : entry;
    this.ring[this.next] = kept;
    this.next = (this.next + 1) % this.size;
    if (kept.message !== undefined) {
      this.bodyBytes += kept.bytes;
      if (this.bodyBytes > this.budget) this.shed();
    }
    return entry;
  }

  /** Oldest first. */
  all(): TrafficEntry[] {
    const out: TrafficEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(this.next + i) % this.size];
      if (e) out.push(e);
    }
    return out;
  }

  /** Drops the bodies of the oldest entries until the kept ones fit the budget (the entries themselves stay). */
  private shed(): void {
    // The entry numbered s sits at (s - 1) % size; start past the ones shed before, so each is visited once.
    for (let s = Math.max(this.shedUpTo + 1, this.seq - this.size + 1); s <= this.seq && this.bodyBytes > this.budget; s++) {
      const index = (s - 1) % this.size;
      const e = this.ring[index];
      this.shedUpTo = s;
      if (e?.message === undefined) continue;
      this.bodyBytes -= e.bytes;
      // A copy: the live event may still hold the original.
      this.ring[index] = { ...e, message: undefined };
    }
  }
}
