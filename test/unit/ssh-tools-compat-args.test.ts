import { describe, expect, it } from 'vitest';
import { either, refuseCredential, tailLines, withoutCredentials } from '../../electron/core/tools/compat-args.js';
import { controlByte } from '../../electron/core/tools/pty-shell.js';

describe('mcp-remote-ssh argument aliases', () => {
  it('keeps the last lines of output and counts the rest, a final newline ending a line', () => {
    expect(tailLines('a\nb\nc\n', 2)).toEqual({ output: 'b\nc\n', omitted_lines: 1 });
    expect(tailLines('a\nb\nc', 2)).toEqual({ output: 'b\nc', omitted_lines: 1 });
    expect(tailLines('a\nb\n', 2)).toEqual({ output: 'a\nb\n' });
    expect(tailLines('a\nb\n', undefined)).toEqual({ output: 'a\nb\n' });
  });

  it('takes either name of an argument, and refuses two that disagree', () => {
    expect(either('timeout_s', undefined, 'timeout', 5)).toBe(5);
    expect(either('timeout_s', 5, 'timeout', 5)).toBe(5);
    expect(() => either('timeout_s', 5, 'timeout', 6)).toThrow(/^timeout_s and timeout are the same argument and disagree: give one$/);
  });

  it('refuses a password but not mcp-remote-ssh’s empty "none", and keeps it out of audited arguments', () => {
    expect(() => refuseCredential('sudo_password', '', 'x')).not.toThrow();
    expect(() => refuseCredential('sudo_password', 'hunter22', 'x')).toThrow(/^sudo_password is refused/);
    expect(withoutCredentials({ command: 'id', sudo_password: 'hunter22', password: '' })).toEqual({ command: 'id', sudo_password: '[withheld]', password: '' });
  });

  it('sends Ctrl+letter for any letter a-z, in either case, and Ctrl-\\', () => {
    expect(controlByte('c')).toBe('\x03');
    expect(controlByte('A')).toBe('\x01');
    expect(controlByte('z')).toBe('\x1a');
    expect(controlByte('\\')).toBe('\x1c');
    expect(() => controlByte('1')).toThrow(/one letter a-z/);
  });
});
