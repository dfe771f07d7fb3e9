import { describe, expect, it } from 'vitest';
import { parseConnectArgs } from '../../electron/cli/connect-command.js';

describe('burrow connect flags', () => {
  it("takes m2m-mcp-server-ssh-client's flags with its defaults", () => {
    expect(parseConnectArgs(['--host', 'h'])).toMatchObject({ host: 'h', port: 8022, username: 'mcp', disableHostKeyChecking: false, useKeyServer: false, keyServerPort: 8000 });
    const all = parseConnectArgs(['--host', 'h', '--port', '2222', '--username', 'u', '--client-key', '/k', '--known-hosts', '/kh', '--passphrase', 'p', '--disable-host-key-checking', '--use-key-server', '--log-level', 'DEBUG']);
    expect(all).toMatchObject({ port: 2222, username: 'u', clientKey: '/k', knownHosts: '/kh', passphrase: 'p', disableHostKeyChecking: true, useKeyServer: true, logLevel: 'DEBUG' });
  });

  it('takes --host as ssh does, [user@]host[:port], and refuses the user or port given twice', () => {
    expect(parseConnectArgs(['--host', 'me@box:2222'])).toMatchObject({ host: 'box', port: 2222, username: 'me' });
    expect(parseConnectArgs(['--host', 'me@box'])).toMatchObject({ host: 'box', port: 8022, username: 'me' });
    expect(parseConnectArgs(['--host', '[::1]:2200', '--username', 'u'])).toMatchObject({ host: '::1', port: 2200, username: 'u' });
    expect(parseConnectArgs(['--host', '::1'])).toMatchObject({ host: '::1', port: 8022 });
    expect(() => parseConnectArgs(['--host', 'me@box', '--username', 'u'])).toThrow('connect: give the user in --host (me@…) or with --username, not both');
    expect(() => parseConnectArgs(['--host', 'box:22', '--port', '22'])).toThrow('connect: give the port in --host (…:22) or with --port, not both');
    expect(() => parseConnectArgs(['--host', 'box:0'])).toThrow('connect: --host: host "box:0": bad port "0" (use [user@]host[:port])');
  });

  it('says what is wrong in one line', () => {
    expect(() => parseConnectArgs([])).toThrow(/give --remote NAME .* or --host HOST/);
    expect(() => parseConnectArgs(['--host', 'h', '--port', 'x'])).toThrow('--port must be a port number from 1 to 65535, not "x"');
    expect(() => parseConnectArgs(['--host', 'h', '--bogus'])).toThrow('connect: unknown option --bogus (see burrow connect --help)');
    expect(() => parseConnectArgs(['--host', 'h', '--remote', 'r'])).toThrow(/not both/);
    expect(() => parseConnectArgs(['--host', 'h', '--hots', 'x'])).toThrow('connect: unknown option --hots (did you mean --host?)');
    expect(() => parseConnectArgs(['--host', 'h', '--agent', '--no-agent'])).toThrow('connect: give --agent or --no-agent, not both');
    expect(() => parseConnectArgs(['--host', 'h', '--passphrase', 'p', '--passphrase-file', '/f'])).toThrow('connect: give --passphrase-file or --passphrase, not both');
  });

  it('says which flags a saved remote would ignore, rather than seem to obey them', () => {
    expect(parseConnectArgs(['--remote', 'prod', '--log-level', 'debug', '--approval-timeout', '5'])).toMatchObject({ remote: 'prod', logLevel: 'debug', approvalTimeoutSec: 5 });
    expect(() => parseConnectArgs(['--remote', 'prod', '--port', '22', '--username', 'me'])).toThrow(
      'connect: --port, --username go with --host; a saved remote uses its own settings (change them with burrow remote add prod … --replace)',
    );
    expect(() => parseConnectArgs(['--remote', 'prod', '--passphrase-file', '/f'])).toThrow('a saved remote asks for its passphrase in Burrow (burrow secrets enter)');
  });

  it('takes the passphrase file as a path, and leaves reading it to the connection', () => {
    expect(parseConnectArgs(['--host', 'h', '--passphrase-file', '/f'])).toMatchObject({ passphraseFile: '/f', passphrase: undefined });
  });
});
