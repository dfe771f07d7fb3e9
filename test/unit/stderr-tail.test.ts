import { describe, expect, it } from 'vitest';
import { StderrTail } from '../../electron/core/relay/stderr-tail.js';

const tailOf = (text: string) => {
  const tail = new StderrTail();
  tail.push(text);
  tail.flush();
  return tail.suffix();
};

describe('StderrTail: why a remote process ended, from its stderr', () => {
  it("names Node's error from above its stack, not the stack's end", () => {
    const node = [
      'node:internal/modules/cjs/loader:1228',
      '  throw err;',
      '  ^',
      '',
      "Error: Cannot find module '/srv/mcp/server.js'",
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)',
      '    at Module._load (node:internal/modules/cjs/loader:1051:27)',
      '    at node:internal/main/run_main_module:28:49 {',
      "  code: 'MODULE_NOT_FOUND',",
      '  requireStack: []',
      '}',
      '',
      'Node.js v20.20.2',
    ].join('\n');
    expect(tailOf(node)).toBe(": Error: Cannot find module '/srv/mcp/server.js' | code: 'MODULE_NOT_FOUND', | requireStack: []");
  });

  it("keeps Python's last line, which names the error, once", () => {
    const python = ['Traceback (most recent call last):', '  File "/srv/mcp.py", line 1, in <module>', '    import nope', "ModuleNotFoundError: No module named 'nope'"].join('\n');
    expect(tailOf(python)).toBe(`: File "/srv/mcp.py", line 1, in <module> | import nope | ModuleNotFoundError: No module named 'nope'`);
  });

  it('says the last lines as they are when none names an error, and nothing when there were none', () => {
    expect(tailOf('starting\nconfig file missing: /etc/mcp.toml\n')).toBe(': starting | config file missing: /etc/mcp.toml');
    expect(tailOf('bash: line 1: mcp-server: command not found\n')).toBe(': bash: line 1: mcp-server: command not found');
    expect(tailOf('')).toBe('');
  });
});
