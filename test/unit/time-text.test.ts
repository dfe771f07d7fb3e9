import { describe, expect, it } from 'vitest';
import { durationText, localTimeText, relativeText, whenText } from '../../electron/cli/time-text.js';

/** Local times built in this process's zone, so the cases hold in any TZ (cli-local-times.test.ts sets one). */
const at = (day: number, h: number, m: number, s: number) => new Date(2026, 10, day, h, m, s).toISOString();
const now = new Date(2026, 10, 30, 14, 8, 12);

describe('times as the CLI prints them', () => {
  it('the same local day shows the clock with seconds; another day its date and minutes', () => {
    expect(localTimeText(at(30, 14, 3, 12), now)).toBe('14:03:12');
    expect(localTimeText(at(30, 0, 0, 1), now)).toBe('00:00:01');
    expect(localTimeText(at(29, 23, 59, 59), now)).toBe('2026-11-29 23:59');
    expect(localTimeText('not a time', now)).toBe('not a time');
  });

  it('a hint of how long ago while within a day, none after', () => {
    expect(whenText(at(30, 14, 3, 12), now)).toBe('14:03:12 (5 min ago)');
    expect(whenText(at(30, 14, 8, 10), now)).toBe('14:08:10 (just now)');
    expect(whenText(at(30, 14, 7, 30), now)).toBe('14:07:30 (42 s ago)');
    expect(whenText(at(29, 20, 8, 12), now)).toBe('2026-11-29 20:08 (18 h ago)');
    expect(whenText(at(28, 14, 8, 12), now)).toBe('2026-11-28 14:08');
    expect(whenText(undefined, now)).toBe('');
    expect(relativeText(at(27, 14, 8, 12), now)).toBe('3 days ago');
    expect(relativeText(at(30, 14, 13, 12), now)).toBe('in 5 min');
  });

  it('durations in whole seconds', () => {
    expect(durationText(42)).toBe('42s');
    expect(durationText(583)).toBe('9m 43s');
    expect(durationText(7800)).toBe('2h 10m');
  });
});
