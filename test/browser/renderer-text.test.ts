import { describe, expect, it } from 'vitest';
import { durationText } from '../../renderer/src/duration-text.js';
import { diffLines } from '../../renderer/src/line-diff.js';

describe('what the window writes for a person', () => {
  it('a latency fits the traffic column: 18196 ms (an initialize that waited for a host-key approval) reads 18 s', () => {
    expect([0, 44, 999.4, 1000, 1819, 9949, 18196, 120_000, 999_499, 1_020_000].map(durationText)).toEqual([
      '0 ms', '44 ms', '999 ms', '1.0 s', '1.8 s', '9.9 s', '18 s', '120 s', '999 s', '17 min',
    ]);
  });

  it('the install diff shows what goes before what comes, as every diff does', () => {
    // A one-line config Burrow rewrites: the old line first, then the new file.
    const kinds = diffLines('{ "mcpServers": {} }\n', '{\n  "mcpServers": {\n    "demo": {}\n  }\n}\n').map((l) => l.kind);
    expect(kinds).toEqual(['remove', 'add', 'add', 'add', 'add', 'add']);
    const changed = diffLines('a\nold\nz\n', 'a\nnew\nz\n');
    expect(changed.map((l) => `${l.kind} ${l.text}`)).toEqual(['same a', 'remove old', 'add new', 'same z']);
  });
});
