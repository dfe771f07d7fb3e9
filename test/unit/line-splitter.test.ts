import { describe, expect, it } from 'vitest';
import { LineSplitter, looksLikeJsonMessage, type LongLine } from '../../electron/core/framing/line-splitter.js';

const text = (lines: Uint8Array[]) => lines.map((l) => Buffer.from(l).toString());

function split(chunks: (string | Buffer)[], max?: number) {
  const lines: Uint8Array[] = [];
  const oversize: number[] = [];
  const s = new LineSplitter((l) => lines.push(Buffer.from(l)), { maxLineBytes: max, onOversize: (n) => oversize.push(n) });
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.flush();
  return { lines: text(lines), oversize };
}

describe('LineSplitter', () => {
  it('splits joined messages and keeps each newline', () => {
    expect(split(['{"a":1}\n{"b":2}\n']).lines).toEqual(['{"a":1}\n', '{"b":2}\n']);
  });

  it('joins a message split across many chunks', () => {
    const msg = `{"x":"${'y'.repeat(1000)}"}\n`;
    const chunks = msg.match(/.{1,7}/gs)!;
    expect(split(chunks).lines).toEqual([msg]);
  });

  it('handles CRLF, blank lines and a final line without newline', () => {
    expect(split(['{"a":1}\r\n\n\n{"b"', ':2}']).lines).toEqual(['{"a":1}\r\n', '{"b":2}']);
  });

  it('carries a 40 MB line intact', () => {
    const big = `{"data":"${'z'.repeat(40 * 1024 * 1024)}"}\n`;
    const buf = Buffer.from(big);
    const chunks: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
    const { lines } = split(chunks);
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBe(big.length);
  });

  it('drops a line over the limit, says so once, and goes on with the next', () => {
    const { lines, oversize } = split([`{"a":"${'x'.repeat(100)}`, `${'x'.repeat(100)}"}\n{"ok":1}\n`], 64);
    expect(lines).toEqual(['{"ok":1}\n']);
    expect(oversize).toHaveLength(1);
  });

  it('tells JSON messages from banners', () => {
    expect(looksLikeJsonMessage(Buffer.from('  {"jsonrpc":"2.0"}\n'))).toBe(true);
    expect(looksLikeJsonMessage(Buffer.from('[{"jsonrpc":"2.0"}]\n'))).toBe(true);
    expect(looksLikeJsonMessage(Buffer.from('Welcome to Ubuntu 24.04 LTS\n'))).toBe(false);
    expect(looksLikeJsonMessage(Buffer.from('Last login: Mon Nov 23\n'))).toBe(false);
  });

  it('hands a line that reaches longLineBytes to onLongLine in pieces as they come, and the next line whole', () => {
    const events: string[] = [];
    const lines: string[] = [];
    const long: LongLine = {
      part: (bytes, over) => events.push(`part ${Buffer.from(bytes).toString()}${over ? ' over' : ''}`),
      end: (bytes, complete) => events.push(`end ${bytes} ${complete}`),
    };
    const heads: string[] = [];
    const s = new LineSplitter((l) => lines.push(Buffer.from(l).toString()), {
      maxLineBytes: 12,
      longLineBytes: 4,
      onLongLine: (head) => (heads.push(Buffer.from(head).toString()), long),
    });
    s.push(Buffer.from('{"a'));
    expect(events).toEqual([]);
    s.push(Buffer.from('":1'));
    // Offered at 6 bytes with its first piece; both pieces so far go out at once.
    expect(heads).toEqual(['{"a']);
    expect(events).toEqual(['part {"a', 'part ":1']);
    s.push(Buffer.from('}\n{"b":2}\n{"c":"'));
    // The next line is whole; the one after is long already in this chunk.
    expect(events).toEqual(['part {"a', 'part ":1', 'part }\n', 'end 8 true', 'part {"c":"']);
    expect(lines).toEqual(['{"b":2}\n']);
    // Past maxLineBytes the pieces are marked over; the stream's end ends the line incomplete.
    s.push(Buffer.from('0123456789'));
    s.push(Buffer.from('xyz'));
    s.flush();
    expect(events.slice(4)).toEqual(['part {"c":"', 'part 0123456789 over', 'part xyz over', 'end 19 false']);
  });

  it('keeps a long line whole when onLongLine declines it', () => {
    const lines: string[] = [];
    let offers = 0;
    const s = new LineSplitter((l) => lines.push(Buffer.from(l).toString()), { longLineBytes: 2, onLongLine: () => void offers++ });
    for (const c of ['{"', 'a"', ':1', '}\n', '{"b"', ':2}\n']) s.push(Buffer.from(c));
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n']);
    // Asked once per line.
    expect(offers).toBe(2);
  });
});
