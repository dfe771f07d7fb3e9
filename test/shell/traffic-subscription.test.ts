import { describe, expect, it } from 'vitest';
import type { BurrowEvent } from '../../shared/api.js';
import { EventHub } from '../../electron/core/api/event-hub.js';

const traffic: BurrowEvent = { type: 'traffic', entry: { sessionId: 1, remote: 'prod', direction: 'to-remote', time: 0, bytes: 10, kind: 'request', method: 'tools/call', id: 1 } };
const changed: BurrowEvent = { type: 'remotes-changed' };

describe('traffic as its own subscription', () => {
  it('turns the relay tap on only while a traffic listener exists, and gives traffic only to those', () => {
    let tapped = 0;
    const hub = new EventHub({ onFirst: () => tapped++, onLast: () => tapped-- });
    const window: BurrowEvent[] = [];
    const view: BurrowEvent[] = [];
    const stopWindow = hub.subscribe((e) => window.push(e), { traffic: false });
    expect(tapped).toBe(0);
    const stopView = hub.subscribe((e) => view.push(e), { traffic: true });
    expect(tapped).toBe(1);
    hub.emit(traffic);
    hub.emit(changed);
    expect(window).toEqual([changed]);
    expect(view).toEqual([traffic, changed]);
    stopView();
    expect(tapped).toBe(0);
    stopView();
    expect(tapped).toBe(0);
    stopWindow();
    expect(tapped).toBe(0);
  });

  it('keeps the old meaning for callers that pass no options (the web bridge): events and traffic', () => {
    let tapped = 0;
    const hub = new EventHub({ onFirst: () => tapped++, onLast: () => tapped-- });
    const seen: BurrowEvent[] = [];
    const stop = hub.subscribe((e) => seen.push(e));
    expect(tapped).toBe(1);
    hub.emit(traffic);
    expect(seen).toEqual([traffic]);
    stop();
    expect(tapped).toBe(0);
  });
});
