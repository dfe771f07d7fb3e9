import { describe, expect, it } from 'vitest';
import { EnvelopeScanner } from '../../electron/core/relay/envelope-scanner.js';
import { inspectLine } from '../../electron/core/relay/message-info.js';

/** Scans `text` cut into pieces at the given byte offsets. */
function scanPieces(text: string, cuts: number[]) {
  const bytes = Buffer.from(text);
  const scanner = new EnvelopeScanner();
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.push(bytes.subarray(at, cut));
    at = cut;
  }
  return scanner.result();
}

/** The scanner's answer for every way of cutting `text` in two and in three (around the middle), and byte by byte. */
function everySplit(text: string) {
  const n = Buffer.byteLength(text);
  const results = [];
  for (let a = 0; a <= n; a++) results.push(scanPieces(text, [a]));
  for (let a = 0; a <= n; a += 3) for (let b = a; b <= n; b += 5) results.push(scanPieces(text, [a, b]));
  results.push(scanPieces(text, Array.from({ length: n }, (_, i) => i)));
  return results;
}

function expectEverySplit(text: string, expected: ReturnType<EnvelopeScanner['result']>) {
  for (const result of everySplit(text)) expect(result).toEqual(expected);
  // The same as the whole-line reading the relay uses for small messages.
  expect(inspectLine(Buffer.from(text)).infos[0]).toEqual(expected);
}

describe('EnvelopeScanner: a message read in pieces', () => {
  it('finds an id that comes after params, wherever the pieces are cut (the id itself split included)', () => {
    expectEverySplit('{"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"}},"jsonrpc":"2.0","id":12345}\n', {
      kind: 'request',
      id: 12345,
      method: 'tools/call',
    });
    expectEverySplit('{"result":{"content":[]},"jsonrpc":"2.0","id":"req-\\"7\\""}', { kind: 'response', id: 'req-"7"' });
    expectEverySplit('{ "jsonrpc" : "2.0" ,\t"method" : "notifications/progress" , "params" : { } }\r\n', { kind: 'notification', method: 'notifications/progress' });
  });

  it('is not fooled by quotes, braces and backslashes inside strings', () => {
    const tricky = JSON.stringify({ method: 'tools/call', params: { s: 'a"}{,"id":1,\\', t: '\\\\"', u: '}]"\\' }, id: 'real' });
    expectEverySplit(tricky, { kind: 'request', id: 'real', method: 'tools/call' });
    // A string that ends in backslashes right at a piece boundary.
    const slashes = `{"params":{"p":"${'\\\\'.repeat(3)}"},"method":"m","id":2}`;
    expectEverySplit(slashes, { kind: 'request', id: 2, method: 'm' });
  });

  it('reads only top-level keys: an "id" or "method" nested in params or result is not the message\'s', () => {
    expectEverySplit('{"result":{"id":99,"method":"inner","content":[{"id":"n"},[{"id":3}]]},"jsonrpc":"2.0","id":7}', { kind: 'response', id: 7 });
    expectEverySplit('{"method":"notifications/message","params":{"id":5,"data":{"id":"x"}}}', { kind: 'notification', method: 'notifications/message' });
    expectEverySplit('{"params":{"id":5},"jsonrpc":"2.0"}', { kind: 'invalid' });
  });

  it('keeps unicode whole when a piece ends inside a character, in values and in escaped keys', () => {
    expectEverySplit('{"method":"tools/✓-é","params":{"text":"日本語 🚀 \\u00e9"},"id":"id-🚀"}', { kind: 'request', id: 'id-🚀', method: 'tools/✓-é' });
    expectEverySplit('{"\\u0069d":4,"\\u006dethod":"x"}', { kind: 'request', id: 4, method: 'x' });
  });

  it('says invalid for anything but one plain object', () => {
    for (const text of ['[{"id":1,"method":"a"}]', '{"id":1,"method":"a"', '{"id":1,"method":"a"} {"id":2}', '"id"', '{"id":1,}', '{"id":tru,"method":"a"}']) {
      expect(scanPieces(text, [3])).toEqual({ kind: 'invalid' });
    }
    expect(scanPieces('{"id":null,"method":"n"}', [])).toEqual({ kind: 'notification', method: 'n' });
  });

  it('tells what it has seen of a message cut short', () => {
    const scanner = new EnvelopeScanner();
    scanner.push(Buffer.from('{"id":"early","method":"tools/call","params":{"message":"xxxx'));
    expect(scanner.seen()).toEqual({ id: 'early', method: 'tools/call' });
    expect(scanner.result()).toEqual({ kind: 'invalid' });
  });

  it('agrees with JSON.parse on random messages cut at random places', () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ['"', '\\', '{', '}', '[', ']', ',', ':', 'id', 'é', '🚀', ' ', 'a', '\n'];
    const str = () => Array.from({ length: rand(12) }, () => pieces[rand(pieces.length)]).join('');
    const value = (depth: number): unknown => {
      const k = rand(depth > 2 ? 3 : 5);
      if (k === 0) return str();
      if (k === 1) return rand(1000) - 500;
      if (k === 2) return rand(2) === 0 ? null : true;
      if (k === 3) return Array.from({ length: rand(3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: rand(3) }, () => [rand(2) ? 'id' : str(), value(depth + 1)]));
    };
    for (let round = 0; round < 400; round++) {
      const message: Record<string, unknown> = {};
      for (const key of ['params', 'method', 'result', 'id', 'jsonrpc'].filter(() => rand(2))) {
        message[key] = key === 'method' ? str() || 'm' : key === 'id' ? (rand(2) ? rand(99) : str()) : value(0);
      }
      const text = `${JSON.stringify(message, null, rand(2) ? 1 : undefined)}\n`;
      const n = Buffer.byteLength(text);
      const cuts = Array.from({ length: rand(6) }, () => rand(n + 1)).sort((a, b) => a - b);
      expect(scanPieces(text, cuts), text).toEqual(inspectLine(Buffer.from(text)).infos[0]);
    }
  });
});
