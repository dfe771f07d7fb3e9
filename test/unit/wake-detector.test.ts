import { describe, expect, it } from 'vitest';
import { WakeDetector, type WakeClock } from '../../electron/core/wake-detector.js';

/** A clock the test moves by hand: each `advance` fires the interval as a sleeping machine's timer would. */
function manualClock() {
  let now = 1_000_000;
  let tick: (() => void) | undefined;
  const clock: WakeClock = {
    now: () => now,
    setInterval: (fn) => {
      tick = fn;
      return 1;
    },
    clearInterval: () => {
      tick = undefined;
    },
  };
  return {
    clock,
    /** Time passes by `ms`, then the timer fires once. */
    advance(ms: number) {
      now += ms;
      tick?.();
    },
    running: () => tick !== undefined,
  };
}

describe('the wake detector', () => {
  it('says nothing while timers fire on time or a little late (a busy event loop)', () => {
    const c = manualClock();
    const wakes: number[] = [];
    const d = new WakeDetector({ onWake: (late) => wakes.push(late), intervalMs: 5000, lateMs: 15_000, clock: c.clock });
    d.start();
    for (let i = 0; i < 10; i++) c.advance(5000);
    c.advance(5000 + 14_000);
    expect(wakes).toEqual([]);
  });

  it('reports once when a tick comes far later than due (the machine slept), then watches on', () => {
    const c = manualClock();
    const wakes: number[] = [];
    const d = new WakeDetector({ onWake: (late) => wakes.push(late), intervalMs: 5000, lateMs: 15_000, clock: c.clock });
    d.start();
    c.advance(5000);
    c.advance(5000 + 3_600_000);
    expect(wakes).toEqual([3_600_000]);
    c.advance(5000);
    expect(wakes).toHaveLength(1);
    c.advance(5000 + 20_000);
    expect(wakes).toEqual([3_600_000, 20_000]);
  });

  it('stops its timer', () => {
    const c = manualClock();
    const d = new WakeDetector({ onWake: () => {}, clock: c.clock });
    d.start();
    expect(c.running()).toBe(true);
    d.stop();
    expect(c.running()).toBe(false);
  });
});
