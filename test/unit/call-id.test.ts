import { describe, expect, it } from 'vitest';
import { findCallId, shortCallId } from '../../electron/cli/call-id.js';

const a = '82f2e065-2f91-4268-a685-c969dfaca108';
const b = '82f2e065-aaaa-4268-a685-c969dfaca108';
const c = 'ee6c4df1-1ebc-4469-892e-3b596efb345f';

describe('waiting calls by a short ID', () => {
  it('the list shows 8 characters, more where two IDs start the same', () => {
    expect(shortCallId(c, [a, c])).toBe('ee6c4df1');
    expect(shortCallId(a, [a, b, c])).toBe('82f2e065-2');
    expect(shortCallId(b, [a, b, c])).toBe('82f2e065-a');
  });

  it('any start of one ID finds it; a start several share, or none, is one line', () => {
    const calls = [a, b, c].map((id) => ({ id }));
    expect(findCallId('ee6c', calls, 'approvals allow')).toBe(c);
    // Fewer than 4 could match a call that arrived after the list was read.
    expect(() => findCallId('e', calls, 'approvals allow')).toThrow('approvals allow: give at least 4 characters of the ID (burrow approvals list shows 8)');
    expect(findCallId(a, calls, 'approvals allow')).toBe(a);
    expect(findCallId('82f2e065-2', calls, 'approvals allow')).toBe(a);
    expect(() => findCallId('82f2', calls, 'approvals deny')).toThrow(`approvals deny: 82f2 is the start of 2 waiting calls' IDs (${a}, ${b}); give more of it`);
    expect(() => findCallId('0000', calls, 'approvals allow')).toThrow('approvals allow: no tool call with ID 0000 waits for approval (answered elsewhere, or it timed out; burrow approvals list)');
  });
});
