import type { TrafficEntry } from '../../../shared/api.js';

/** How many relayed messages the engine keeps for the traffic view (a reloaded window shows them again). */
export const TRAFFIC_HISTORY_SIZE = 1000;
/** Larger messages are kept without their body. */
export const HISTORY_MAX_MESSAGE_BYTES = 64 * 1024;
/** All kept bodies together: past this the oldest lose theirs, so a busy engine holds at most this much of them. */
export const HISTORY_BODY_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * The newest relayed messages, in a fixed ring: adding is O(1) (amortized) and never holds more than its budget.
 * A relayed message's body is kept as its JSON text, one string, and parsed only when the history is fetched: a
 * thousand parsed messages are tens of thousands of small objects in the old generation, which every full garbage
 * collection of the engine walks (it runs one about every megabyte relayed).
 */
export class TrafficHistory {
  private readonly ring: (TrafficEntry | undefined)[];
  /** The body of the entry in the same slot, as relayed; beside the entry so adding one copies no object. */
  private readonly texts: (string | undefined)[];
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
    this.texts = new Array<string | undefined>(size);
  }

  /**
   * Numbers the entry (its `seq`) and keeps it; returns it as given (a live copy keeps its parsed message).
   * `line`, the message as relayed, is kept as the body when given; otherwise the entry's own `message` is.
   */
  add(entry: TrafficEntry, line?: Uint8Array): TrafficEntry {
    entry.seq = ++this.seq;
    const slot = this.next;
    if (this.hasBody(slot)) this.bodyBytes -= this.ring[slot]!.bytes;
    const large = entry.bytes > HISTORY_MAX_MESSAGE_BYTES;
    const text = !large && line ? Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8') : undefined;
    // A large body is not kept; one parsed only because someone watches live is kept as its text instead.
    const kept = entry.message !== undefined && (large || text !== undefined) ? { ...entry, message: undefined } : entry;
    this.ring[slot] = kept;
    this.texts[slot] = text;
    this.next = (slot + 1) % this.size;
    if (this.hasBody(slot)) {
      this.bodyBytes += kept.bytes;
      if (this.bodyBytes > this.budget) this.shed();
    }
    return entry;
  }

  /** Oldest first, with their bodies parsed. */
  all(): TrafficEntry[] {
    const out: TrafficEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const slot = (this.next + i) % this.size;
      const e = this.ring[slot];
      if (!e) continue;
      const text = this.texts[slot];
      out.push(text === undefined ? e : { ...e, message: parseOrUndefined(text) });
    }
    return out;
  }

  private hasBody(slot: number): boolean {
    return this.texts[slot] !== undefined || this.ring[slot]?.message !== undefined;
  }

  /** Drops the bodies of the oldest entries until the kept ones fit the budget (the entries themselves stay). */
  private shed(): void {
    // The entry numbered s sits at (s - 1) % size; start past the ones shed before, so each is visited once.
    for (let s = Math.max(this.shedUpTo + 1, this.seq - this.size + 1); s <= this.seq && this.bodyBytes > this.budget; s++) {
      const slot = (s - 1) % this.size;
      this.shedUpTo = s;
      if (!this.hasBody(slot)) continue;
      const e = this.ring[slot]!;
      this.bodyBytes -= e.bytes;
      this.texts[slot] = undefined;
      // A copy: the live event may still hold the original.
      if (e.message !== undefined) this.ring[slot] = { ...e, message: undefined };
    }
  }
}

/** A line that is not JSON (relayed as the remote sent it) has no body to show. */
function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
