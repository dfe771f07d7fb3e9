import { chmodSync, copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient } from '../support/burrow-process.js';
import { startRawHelper } from '../support/helper-process.js';
import { startAgent, type TestAgent } from '../support/ssh-agent.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { canMakeUsers, startPasswordLogin, type PasswordLogin } from '../support/password-user.js';

const PASS = 'open sesame';
let sshd: SshdFixture;
const keys: Record<string, string> = {};

/** Keys of each kind, all authorized for root with the forced MCP server; `stranger` is not authorized. */
beforeAll(async () => {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'burrow-authkeys-'));
  const make = (name: string, type: string, passphrase = '', extra: string[] = []) => {
    keys[name] = join(dir, name);
    return keygen(keys[name], type, passphrase, extra);
  };
  const authorized = [
    make('ed25519_locked', 'ed25519', PASS),
    make('rsa_pem', 'rsa', '', ['-b', '2048', '-m', 'PEM']),
    make('ecdsa_pem_locked', 'ecdsa', PASS, ['-m', 'PEM']),
    make('agent_only', 'ed25519'),
  ];
  make('stranger', 'ed25519');
  sshd = await startSshd({ extraAuthorizedKeys: authorized.map((k) => `command="${EVERYTHING_COMMAND}",no-pty ${k}`) });
});
afterAll(() => sshd?.stop());

const args = (extra: string[]) => ['--host', '127.0.0.1', '--port', String(sshd.port), '--username', 'root', '--known-hosts', sshd.knownHostsFile, ...extra];

async function works(extra: string[], env = burrowEnv()): Promise<string> {
  const c = await connectClient(args(extra), env);
  const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
  expect(JSON.stringify(sum.content)).toContain('42');
  await c.close();
  return c.stderr();
}

const lastLine = (stderr: string) => stderr.trim().split('\n').pop() ?? '';

describe('keys', () => {
  it('uses an rsa key in PEM format, and passphrase-protected ed25519 (OpenSSH format) and ecdsa (PEM) keys with --passphrase', async () => {
    await works(['--client-key', keys.rsa_pem]);
    await works(['--client-key', keys.ed25519_locked, '--passphrase', PASS]);
    await works(['--client-key', keys.ecdsa_pem_locked, '--passphrase', PASS]);
  });

  it('says "wrong passphrase" for a wrong one and "needs a passphrase" (with no terminal to ask on) for none, and never logs in', async () => {
    const logins = sshd.acceptedLogins();
    const wrong = startRawHelper(args(['--client-key', keys.ed25519_locked, '--passphrase', 'not it']), burrowEnv());
    expect(await wrong.exited).not.toBe(0);
    expect(lastLine(wrong.stderr())).toBe(`burrow: cannot decrypt key ${keys.ed25519_locked}: wrong passphrase`);
    const none = startRawHelper(args(['--client-key', keys.ecdsa_pem_locked]), burrowEnv());
    expect(await none.exited).not.toBe(0);
    expect(lastLine(none.stderr())).toBe(`burrow: cannot use key ${keys.ecdsa_pem_locked}: it needs a passphrase (--passphrase-file PATH or $BURROW_PASSPHRASE, or load it into ssh-agent with ssh-add)`);
    expect(sshd.acceptedLogins()).toBe(logins);
  });

  it('tries several keys in order, and names them all when none is accepted', async () => {
    await works(['--client-key', keys.stranger, '--client-key', keys.rsa_pem]);
    const refused = startRawHelper(args(['--client-key', keys.stranger, '--no-agent']), burrowEnv());
    expect(await refused.exited).not.toBe(0);
    expect(lastLine(refused.stderr())).toBe(`burrow: authentication failed for root@127.0.0.1:${sshd.port} (tried: key ${keys.stranger})`);
  });

  it("gives OpenSSH's warning for a private key that others can read", async () => {
    const open = join(sshd.dir, 'rsa_pem_open');
    copyFileSync(keys.rsa_pem, open);
    chmodSync(open, 0o644);
    const stderr = await works(['--client-key', open]);
    expect(stderr).toContain(`WARNING: UNPROTECTED PRIVATE KEY FILE! Permissions 0644 for '${open}' are too open.`);
  });
});

describe('ssh-agent', () => {
  let agent: TestAgent;
  beforeAll(() => {
    agent = startAgent();
    agent.add(keys.agent_only);
  });
  afterAll(() => agent?.stop());

  it('logs in with a key held only by the agent ($SSH_AUTH_SOCK), after the (generated, unauthorized) client key', async () => {
    const env = burrowEnv({ SSH_AUTH_SOCK: agent.socket });
    const logins = sshd.acceptedLogins();
    await works([], env);
    expect(sshd.acceptedLogins()).toBe(logins + 1);
    // The default m2m key was made and offered first, as m2m does.
    expect(statSync(join(env.HOME, '.ssh', 'm2m_mcp_server_ssh_client')).mode & 0o777).toBe(0o600);
  });

  it('--no-agent leaves the agent alone', async () => {
    const refused = startRawHelper(args(['--no-agent']), burrowEnv({ SSH_AUTH_SOCK: agent.socket }));
    expect(await refused.exited).not.toBe(0);
    expect(lastLine(refused.stderr())).toContain('authentication failed for root@');
    expect(lastLine(refused.stderr())).not.toContain('ssh-agent');
  });
});

describe.skipIf(!canMakeUsers)('password login (needs root to create a user; skipped otherwise)', () => {
  let login: PasswordLogin;
  let pwSshd: SshdFixture;
  let user: string;
  let password: string;
  beforeAll(async () => {
    login = await startPasswordLogin('bpw');
    ({ sshd: pwSshd, user, password } = login);
  });
  afterAll(() => login?.remove());

  const pwArgs = () => ['--host', '127.0.0.1', '--port', String(pwSshd.port), '--username', user, '--known-hosts', pwSshd.knownHostsFile, '--no-agent', '--password'];

  it('logs in with the password from BURROW_PASSWORD when keys fail, and writes it nowhere', async () => {
    const env = burrowEnv({ BURROW_PASSWORD: password });
    const c = await connectClient(pwArgs(), env);
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await c.close();
    expect(pwSshd.log()).toContain(`Accepted password for ${user}`);
    expect(c.stderr()).not.toContain(password);
    const files = readdirSync(env.BURROW_HOME, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    for (const f of files) expect(readFileSync(join(f.parentPath, f.name), 'utf8')).not.toContain(password);
  });

  it('says authentication failed for a wrong password, and tried the password', async () => {
    const helper = startRawHelper(pwArgs(), burrowEnv({ BURROW_PASSWORD: 'wrong' }));
    expect(await helper.exited).not.toBe(0);
    expect(lastLine(helper.stderr())).toMatch(new RegExp(`^burrow: authentication failed for ${user}@127\\.0\\.0\\.1:\\d+ \\(tried: key .*m2m_mcp_server_ssh_client, password\\)$`));
  });
});
