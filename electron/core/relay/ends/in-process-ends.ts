import type { ControlNotice, HostEnd, LineEnd } from '../line-end.js';

/** Above this many bytes waiting for a paused reader, send() says stop (the reader's resume() drains it). */
const HIGH_WATER_BYTES = 1024 * 1024;

/** One side of an in-process pair: lines go to the other side's onLine, with backpressure as a stream has. */
export class InProcessEnd implements HostEnd {
  onLine?: (line: Uint8Array) => void;
  onEnd?: (error?: Error) => void;
  onDrain?: () => void;
  onOversize?: (bytes: number, head: Uint8Array) => void;
  /** Control notices sent to this side by the engine (the host side of a pair). */
  onNotice?: (notice: ControlNotice) => void;
  peer!: InProcessEnd;
  private started = false;
  private paused = false;
  private readonly inbox: Uint8Array[] = [];
  private inboxBytes = 0;
  private peerEnded = false;
  private endDelivered = false;
  private ended = false;
  private waitingForDrain = false;

  start(): void {
    this.started = true;
    this.deliver();
  }

  send(line: Uint8Array): boolean {
    if (this.ended) return true;
    const peer = this.peer;
    peer.inbox.push(line);
    peer.inboxBytes += line.length;
    queueMicrotask(() => peer.deliver());
    if (peer.inboxBytes > HIGH_WATER_BYTES) {
      this.waitingForDrain = true;
      return false;
    }
    return true;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    queueMicrotask(() => this.deliver());
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.peer.peerEnded = true;
    queueMicrotask(() => this.peer.deliver());
  }

  close(): void {
    this.end();
    this.peer.end();
  }

  notify(notice: ControlNotice): void {
    this.peer.onNotice?.(notice);
  }

  /** Bytes sent to this side that it has not taken yet (for tests of backpressure). */
  get buffered(): number {
    return this.inboxBytes;
  }

  private deliver(): void {
    if (!this.started) return;
    while (!this.paused && this.inbox.length > 0) {
      const line = this.inbox.shift()!;
      this.inboxBytes -= line.length;
      this.onLine?.(line);
    }
    if (this.inboxBytes <= HIGH_WATER_BYTES && this.peer.waitingForDrain) {
      this.peer.waitingForDrain = false;
      this.peer.onDrain?.();
    }
    if (this.peerEnded && this.inbox.length === 0 && !this.endDelivered) {
      this.endDelivered = true;
      this.onEnd?.();
    }
  }
}

/** Two connected ends: what one sends the other receives. The engine's built-in clients use one side each. */
export function createEndPair(): [InProcessEnd, InProcessEnd] {
  const a = new InProcessEnd();
  const b = new InProcessEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

export type { LineEnd };
