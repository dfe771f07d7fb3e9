import type { TrafficEntry } from '../../../shared/api.js';

/** How many relayed messages the engine keeps for the traffic view (a reloaded window shows them again). */
export const TRAFFIC_HISTORY_SIZE = 1000;
/** Larger messages are kept without their body. */
export const HISTORY_MAX_MESSAGE_BYTES = 64 * 1024;
/** All kept bodies together: past this the oldest lose theirs, so a busy engine holds at most this much of them. */
export const HISTORY_BODY_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * A kept entry. A relayed message's body is kept as its JSON text, one string, and parsed only when the history is
 * fetched: a thousand parsed messages are tens of thousands of small objects in the old generation, which every
 * full garbage collection of the engine walks (it runs one about every megabyte relayed).
 */
type Kept = Omit<TrafficEntry, 'message'> & { text?: string; message?: unknown };

/** The newest relayed messages, in a fixed ring: adding is O(1) (amortized) and never holds more than its budget. */
export class TrafficHistory {
  private readonly ring: (Kept | undefined)[];
  private next = 0;
  private seq = 0;
  private bodyBytes = 0;
  /** Entries up to this seq have no body any more: shedding starts after them. */
  private shedUpTo = 0;

  constructor(
    readonly size = TRAFFIC_HISTORY_SIZE,
    private readonly budget = HISTORY_BODY_BUDGET_BYTES,
  ) {
    this.ring = new Array<Kept | undefined>(size);
  }

  /**
   * Numbers the entry (its `seq`) and keeps it; returns it as given (the live copy keeps its parsed message).
   * `line`, the message as relayed, is kept as the body when given; otherwise the entry's own `message` is.
   */
  add(entry: TrafficEntry, line?: Uint8Array): TrafficEntry {
    entry.seq = ++this.seq;
    const evicted = this.ring[this.next];
    if (hasBody(evicted)) this.bodyBytes -= evicted.bytes;
    const { message, ...envelope } = entry;
    let kept: Kept = envelope;
    if (entry.bytes <= HISTORY_MAX_MESSAGE_BYTES) {
      if (line) kept = { ...envelope, text: Buffer.from(line.buffer, line.byteOffset, line.byteLength).toString('utf8') };
      else if (message !== undefined) kept = { ...envelope, message };
    }
    this.ring[this.next] = kept;
    this.next = (this.next + 1) % this.size;
    if (hasBody(kept)) {
      this.bodyBytes += kept.bytes;
      if (this.bodyBytes > this.budget) this.shed();
    }
    return entry;
  }

  /** Oldest first, with their bodies parsed. */
  all(): TrafficEntry[] {
    const out: TrafficEntry[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(this.next + i) % this.size];
      if (!e) continue;
      const { text, message, ...envelope } = e;
      out.push(text === undefined ? { ...envelope, message } : { ...envelope, message: parseOrUndefined(text) });
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
      if (!hasBody(e)) continue;
      this.bodyBytes -= e.bytes;
      const { text: _text, message: _message, ...envelope } = e;
      this.ring[index] = envelope;
    }
  }
}

function hasBody(e: Kept | undefined): e is Kept {
  return e !== undefined && (e.text !== undefined || e.message !== undefined);
}

/** A line that is not JSON (relayed as the remote sent it) has no body to show. */
function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
