import { describe, expect, it } from 'vitest';
import { inspectLine, scanEnvelope } from '../../electron/core/relay/message-info.js';

const big = 'x'.repeat(40_000);
const lines = [
  { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { message: big } } },
  { result: { content: [{ type: 'text', text: `a "quoted" \\ back\\slash } ] { [ ${big}` }] }, jsonrpc: '2.0', id: 'req-"9"' },
  { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2, data: [big, { nested: [1, 2, { deep: big }] }] } },
  { jsonrpc: '2.0', id: -3.5e2, error: { code: -32000, message: big } },
  { jsonrpc: '2.0', params: { id: 99, method: 'inner' }, result: big },
  { jsonrpc: '2.0', id: null, result: big },
  { 'm\u00e9thod': 'x', jsonrpc: '2.0', result: big, id: 4 },
];

describe('scanEnvelope (large messages: id and method without parsing the rest)', () => {
  it('agrees with a full parse on responses, requests, notifications, escapes and nesting', () => {
    for (const message of lines) {
      const line = Buffer.from(`${JSON.stringify(message, null, message.id === 4 ? 1 : 0)}\n`);
      expect(inspectLine(line, false).infos, JSON.stringify(message).slice(0, 80)).toEqual(inspectLine(line, true).infos);
      expect(scanEnvelope(line)).toBeDefined();
    }
  });

  it('reads only top-level keys: an inner "id" or "method" does not count', () => {
    const line = Buffer.from(JSON.stringify({ jsonrpc: '2.0', params: { id: 99, method: 'inner' }, result: big }));
    expect(scanEnvelope(line)).toEqual({ kind: 'invalid' });
  });

  it('gives up (so the caller parses) on an id or method too long to keep, and inspectLine still finds it', () => {
    const method = 'm'.repeat(5000);
    const line = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: { big } }));
    expect(scanEnvelope(line)).toBeUndefined();
    expect(inspectLine(line, false).infos).toEqual([{ kind: 'request', id: 1, method }]);
  });

  it('gives up (so the caller parses) on batches and malformed lines', () => {
    expect(scanEnvelope(Buffer.from(`[${JSON.stringify(lines[0])}]`))).toBeUndefined();
    expect(scanEnvelope(Buffer.from(`{"id": 1, "result": "unterminated`))).toBeUndefined();
    expect(scanEnvelope(Buffer.from(`{"id" 1}`))).toBeUndefined();
  });
});
