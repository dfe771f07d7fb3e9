/** The part of Electron's Notification the holder needs (an EventEmitter with these events). */
export interface HeldNotice {
  once(event: 'click' | 'close' | 'failed', listener: (...args: unknown[]) => void): unknown;
  show(): void;
}

/**
 * Keeps each shown notification referenced until it is clicked, closed or fails. Electron drops a
 * notification's handlers when the JavaScript object is garbage-collected, so an unreferenced one
 * shows but its click does nothing.
 */
export class NoticeHolder<T extends HeldNotice = HeldNotice> {
  private readonly held = new Set<T>();

  constructor(private readonly limit = 20) {}

  show(notice: T): void {
    const release = () => this.held.delete(notice);
    notice.once('click', release);
    notice.once('close', release);
    notice.once('failed', release);
    this.held.add(notice);
    // A desktop with no notification daemon may never say "close": keep the newest, never an unbounded set.
    while (this.held.size > this.limit) this.held.delete(this.held.values().next().value as T);
    notice.show();
  }

  get size(): number {
    return this.held.size;
  }
}
