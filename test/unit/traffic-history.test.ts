import { describe, expect, it } from 'vitest';
import type { TrafficEntry } from '../../shared/api.js';
import { HISTORY_MAX_MESSAGE_BYTES, TrafficHistory } from '../../electron/core/relay/traffic-history.js';

const entry = (n: number, bytes = 10): TrafficEntry => ({ sessionId: 1, remote: 'r', direction: 'to-remote', time: n, bytes, kind: 'request', method: `m${n}`, id: n, message: { n } });

describe('the engine keeps the last 1000 relayed messages', () => {
  it('keeps the newest 1000, oldest first, numbered in order', () => {
    const history = new TrafficHistory();
    for (let n = 1; n <= 1500; n++) history.add(entry(n));
    const all = history.all();
    expect(all).toHaveLength(1000);
    expect(all[0].method).toBe('m501');
    expect(all.at(-1)!.method).toBe('m1500');
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => 501 + i));
  });

  it('keeps a large message without its body, and hands the live copy on whole', () => {
    const history = new TrafficHistory(3);
    const big = history.add(entry(1, HISTORY_MAX_MESSAGE_BYTES + 1));
    expect(big.message).toEqual({ n: 1 });
    history.add(entry(2));
    expect(history.all().map((e) => e.message)).toEqual([undefined, { n: 2 }]);
  });
});

describe('the history holds at most its budget of message bodies', () => {
  it('drops the bodies of the oldest entries first, keeping the entries', () => {
    const history = new TrafficHistory(10, 100);
    for (let n = 1; n <= 5; n++) history.add(entry(n, 30));
    expect(history.all().map((e) => e.message !== undefined)).toEqual([false, false, true, true, true]);
    expect(history.all().map((e) => e.method)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });
});

describe('bodies are kept as the relayed text and parsed when the history is fetched', () => {
  it('returns the line given with the entry as its message, not the live copy', () => {
    const history = new TrafficHistory();
    const live = { ...entry(1), message: { live: true } };
    const handedOn = history.add(live, Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/call"}'));
    expect(handedOn.message).toEqual({ live: true });
    expect(history.all()[0].message).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call' });
  });

  it('gives a kept line that is not JSON no body, and a large line none either', () => {
    const history = new TrafficHistory();
    history.add({ ...entry(1), kind: 'invalid', message: undefined }, Buffer.from('{"broken'));
    history.add(entry(2, HISTORY_MAX_MESSAGE_BYTES + 1), Buffer.alloc(HISTORY_MAX_MESSAGE_BYTES + 1, 0x20));
    expect(history.all().map((e) => e.message)).toEqual([undefined, undefined]);
  });

  it('counts a kept line toward the budget like a parsed body', () => {
    const history = new TrafficHistory(10, 100);
    for (let n = 1; n <= 5; n++) history.add({ ...entry(n, 30), message: undefined }, Buffer.from(`{"n":${n}}`));
    expect(history.all().map((e) => e.message)).toEqual([undefined, undefined, { n: 3 }, { n: 4 }, { n: 5 }]);
  });
});
