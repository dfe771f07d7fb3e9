import type { TrafficEntry } from '../../../shared/api.js';

/** How many relayed messages the engine keeps for the traffic view (a reloaded window shows them again). */
export const TRAFFIC_HISTORY_SIZE = 1000;
/** Larger messages are kept without their body: 1000 of them must not hold hundreds of megabytes. */
export const HISTORY_MAX_MESSAGE_BYTES = 64 * 1024;

/** The newest relayed messages, in a fixed ring: adding is O(1) and never allocates past its size. */
export class TrafficHistory {
  private readonly ring: (TrafficEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly size = TRAFFIC_HISTORY_SIZE) {
    this.ring = new Array<TrafficEntry | undefined>(size);
  }

  /** Numbers the entry (its `seq`) and keeps it, without its body when that is large. */
  add(entry: TrafficEntry): TrafficEntry {
    entry.seq = ++this.seq;
    this.ring[this.next] = entry.bytes > HISTORY_MAX_MESSAGE_BYTES && entry.message !== undefined ? { ...entry, message: undefined } : entry;
    this.next = (this.next + 1) % this.size;
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
}
