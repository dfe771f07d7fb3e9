/** The clock and timers the detector uses; tests hand in their own. */
export interface WakeClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const REAL_CLOCK: WakeClock = {
  now: () => Date.now(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface WakeDetectorOptions {
  /** Called once per wake, with how much later than due the timer fired. */
  onWake: (lateMs: number) => void;
  /** How often the timer ticks. */
  intervalMs?: number;
  /** How late a tick must be to count as a wake (a busy event loop is late by far less). */
  lateMs?: number;
  clock?: WakeClock;
}

/**
 * Notices that the machine slept: a timer that fires far later than it was due. Keepalives would take their
 * whole count to notice a connection that died during the sleep; this lets the engine check at once.
 */
export class WakeDetector {
  private handle?: unknown;
  private last = 0;
  private readonly clock: WakeClock;
  private readonly intervalMs: number;
  private readonly lateMs: number;

  constructor(private readonly options: WakeDetectorOptions) {
    this.clock = options.clock ?? REAL_CLOCK;
    this.intervalMs = options.intervalMs ?? 5000;
    this.lateMs = options.lateMs ?? 15_000;
  }

  start(): void {
    if (this.handle !== undefined) return;
    this.last = this.clock.now();
    this.handle = this.clock.setInterval(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    const now = this.clock.now();
    const late = now - this.last - this.intervalMs;
    this.last = now;
    if (late >= this.lateMs) this.options.onWake(late);
  }

  stop(): void {
    if (this.handle === undefined) return;
    this.clock.clearInterval(this.handle);
    this.handle = undefined;
  }
}
