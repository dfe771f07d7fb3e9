import { describe, expect, it } from 'vitest';
import { parseConnectArgs } from '../../electron/cli/connect-command.js';

describe('burrow connect flags', () => {
  it("takes m2m-mcp-server-ssh-client's flags with its defaults", () => {
    expect(parseConnectArgs(['--host', 'h'])).toMatchObject({ host: 'h', port: 8022, username: 'mcp', disableHostKeyChecking: false, useKeyServer: false, keyServerPort: 8000 });
    const all = parseConnectArgs(['--host', 'h', '--port', '2222', '--username', 'u', '--client-key', '/k', '--known-hosts', '/kh', '--passphrase', 'p', '--disable-host-key-checking', '--use-key-server', '--log-level', 'DEBUG']);
    expect(all).toMatchObject({ port: 2222, username: 'u', clientKey: '/k', knownHosts: '/kh', passphrase: 'p', disableHostKeyChecking: true, useKeyServer: true, logLevel: 'DEBUG' });
  });

  it('says what is wrong in one line', () => {
    expect(() => parseConnectArgs([])).toThrow(/give --remote NAME .* or --host HOST/);
    expect(() => parseConnectArgs(['--host', 'h', '--port', 'x'])).toThrow('--port must be a port number from 1 to 65535, not "x"');
    expect(() => parseConnectArgs(['--host', 'h', '--bogus'])).toThrow('connect: unknown option --bogus (see burrow connect --help)');
    expect(() => parseConnectArgs(['--host', 'h', '--remote', 'r'])).toThrow(/not both/);
  });
});
