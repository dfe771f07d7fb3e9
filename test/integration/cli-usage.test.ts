import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, runBurrow, runProcess, INITIALIZE, type RunResult } from '../support/burrow-process.js';
import { freePort, keygen } from '../support/sshd.js';
import { ensureTestUser } from '../support/test-user.js';

/** What a person sees from the built `burrow` command: help, one-line errors, exit codes. */

const SUBCOMMANDS: Record<string, string[]> = {
  remote: ['add', 'edit', 'list', 'remove'],
  hostkeys: ['list', 'approve', 'reject', 'forget'],
  secrets: ['list', 'enter', 'refuse'],
  keys: ['generate'],
  audit: ['verify', 'tail'],
};
const COMMANDS = ['connect', 'daemon', 'install', 'uninstall', 'status', 'tools', 'call', 'ui', ...Object.keys(SUBCOMMANDS)];

describe('--help and -h', () => {
  const env = burrowEnv();
  const cases = [...COMMANDS, ...Object.entries(SUBCOMMANDS).flatMap(([c, subs]) => subs.map((s) => `${c} ${s}`))];

  it.each(cases)('burrow %s --help (and -h) prints its usage to stdout and exits 0', async (words) => {
    const command = words.split(' ');
    for (const flag of ['--help', '-h']) {
      const r = await runBurrow([...command, flag], env);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^usage: burrow ${command[0] === 'uninstall' ? 'install' : command.join(' ')}`));
      if (command.length === 2) {
        // The subcommand's own usage, not the whole command's list.
        const others = SUBCOMMANDS[command[0]].filter((s) => s !== command[1]);
        for (const other of others) expect(r.stdout).not.toContain(`burrow ${command[0]} ${other} `);
      }
    }
  });

  it('help wins over other mistakes on the same line, and help reads nothing else', async () => {
    const r = await runBurrow(['remote', 'add', '--hots', 'x', '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: burrow remote add NAME --host [USER@]HOST[:PORT]');
    expect(r.stdout).toContain('Defaults: --port 22, --user the local user name');
    expect((await runBurrow(['remote', 'list', '--json'], env)).stdout).toBe('[]\n');
  });

  it('connect --help says --passphrase is visible to other local users and names the safe ways', async () => {
    const r = await runBurrow(['connect', '--help'], env);
    expect(r.stdout).toContain('visible to other local users');
    expect(r.stdout).toContain('--passphrase-file PATH');
    expect(r.stdout).toContain('BURROW_PASSPHRASE');
  });
});

describe('mistakes are one line on stderr, exit 1, nothing saved', () => {
  const env = burrowEnv();
  const fails = async (args: string[], line: string) => {
    const r = await runBurrow(args, env);
    expect({ code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ code: 1, stderr: `burrow: ${line}\n`, stdout: '' });
  };

  it('an invalid remote name names the field and the rule', async () => {
    await fails(['remote', 'add', 'my remote!', '--host', 'h'], 'remote add: name: use letters, digits, dot, dash or underscore (at most 64)');
    await fails(['remote', 'add', 'ok', '--host', '@h'], 'remote add: --host: host "@h": empty user (use [user@]host[:port])');
    await fails(['remote', 'add', 'ok', '--host', 'h', '--host-key-policy', 'trusting'], 'remote add: --host-key-policy: unknown host-key policy "trusting" (use ask, strict or accept-new)');
    await fails(['remote', 'add', 'ok', '--host', 'h', '--port', '70000'], 'remote add: --port must be a port number from 1 to 65535, not "70000"');
    await fails(['remote', 'add', 'ok', '--host', 'h', '--command', ''], "remote add: --command is empty; give the command that starts the MCP server, e.g. --command 'npx -y some-mcp-server'");
    await fails(['hostkeys', 'forget', 'h:99999'], 'hostkeys forget: PORT must be a port number from 1 to 65535, not "99999"');
    expect((await runBurrow(['remote', 'list', '--json'], env)).stdout).toBe('[]\n');
  });

  it('an unknown flag or subcommand suggests the nearest one', async () => {
    await fails(['remote', 'add', 'x', '--hots', 'h'], 'remote add: unknown option --hots (did you mean --host?)');
    await fails(['remote', 'add', 'x', '--host', 'h', '--no-agnet'], 'remote add: unknown option --no-agnet (did you mean --no-agent?)');
    await fails(['remote', 'add', 'x', '--host', 'h', '--frobnicate'], 'remote add: unknown option --frobnicate (see burrow remote add --help)');
    await fails(['hostkeys', 'list', '--jsno'], 'hostkeys list: unknown option --jsno (did you mean --json?)');
    await fails(['connect', '--host', 'h', '--pasphrase', 'x'], 'connect: unknown option --pasphrase (did you mean --passphrase?)');
    await fails(['remote', 'lsit'], 'remote: unknown subcommand "lsit" (did you mean list? choose one of: add, edit, list, remove, import)');
    await fails(['remote', 'add', 'x', '--host'], 'remote add: --host needs a value');
    await fails(['remote', 'list', 'extra'], 'remote list: unexpected argument "extra" (see burrow remote list --help)');
  });

  it('with no subcommand, prints the usage and exits 2', async () => {
    for (const command of Object.keys(SUBCOMMANDS)) {
      const r = await runBurrow([command], env);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(new RegExp(`^usage: burrow ${command} `));
    }
  });
});

describe('remote add --key checks the file when the remote is added', () => {
  const env = burrowEnv();
  const dir = mkdtempSync(join(tmpdir(), 'burrow-cli-keys-'));
  const plain = join(dir, 'id_plain');
  const locked = join(dir, 'id_locked');
  keygen(plain);
  keygen(locked, 'ed25519', 'secret words');
  const notKey = join(dir, 'notes.txt');
  writeFileSync(notKey, 'not a key\n');
  const add = (key: string, name = 'k') => runBurrow(['remote', 'add', name, '--host', 'h', '--key', key], env);

  it('says "no such file", "is a folder", "is a public key" and "is not a private key", and saves nothing', async () => {
    const cases: [string, string][] = [
      [join(dir, 'missing'), `no such file: ${join(dir, 'missing')}`],
      [dir, `${dir} is a folder, not a file`],
      [join(notKey, 'x'), `no such file: ${join(notKey, 'x')} (a part of the path is not a folder)`],
      [`${plain}.pub`, `${plain}.pub is a public key: give the private key file (${plain})`],
      [notKey, `${notKey} is not a private key ssh can use (unsupported key format)`],
    ];
    for (const [key, said] of cases) {
      const r = await add(key);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: `burrow: remote add: --key: ${said}\n` });
    }
    expect((await runBurrow(['remote', 'list', '--json'], env)).stdout).toBe('[]\n');
  });

  it('takes a plain key and an encrypted one (its passphrase is asked when connecting), with the documented defaults', async () => {
    const a = await add(plain, 'plain');
    expect(a).toEqual({ code: 0, stderr: '', stdout: `added remote "plain" (${userInfo().username}@h:22, shell)\n` });
    const b = await add(locked, 'locked');
    expect(b.code).toBe(0);
    const saved = JSON.parse((await runBurrow(['remote', 'list', '--json'], env)).stdout) as { name: string; identityFiles: string[]; port: number; mode: string; hostKeyPolicy: string }[];
    expect(saved.map((r) => [r.name, r.identityFiles, r.port, r.mode, r.hostKeyPolicy])).toEqual([
      ['plain', [plain], 22, 'shell', 'ask'],
      ['locked', [locked], 22, 'shell', 'ask'],
    ]);
  });

  const user = ensureTestUser();
  it.skipIf(!user)('says "permission denied" for a key the user cannot read', async () => {
    // Root reads everything: the same command as an unprivileged user.
    const r = await runAs(user!, ['remote', 'add', 'k', '--host', 'h', '--key', plain]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: `burrow: remote add: --key: permission denied: ${plain}\n` });
  });
});

describe('keys generate', () => {
  it('writes the pair and prints the public key line and how to authorize it', async () => {
    const env = burrowEnv();
    const path = join(env.HOME, 'keys', 'id_burrow');
    const r = await runBurrow(['keys', 'generate', path, '--comment', 'me@laptop'], env);
    expect(r.code).toBe(0);
    const pub = readFileSync(`${path}.pub`, 'utf8').trim();
    expect(pub).toMatch(/^ssh-ed25519 AAAA\S+ me@laptop$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`wrote ${path} (private, 0600) and ${path}.pub`);
    expect(lines).toContain(pub);
    expect(r.stdout).toContain('~/.ssh/authorized_keys');
    expect(r.stdout).toContain(`ssh-copy-id -i ${path}.pub USER@HOST`);
    expect(r.stdout).toContain(`burrow remote add NAME --host HOST --user USER --key ${path}`);
    // The printed line is one ssh itself accepts as a public key.
    expect(execFileSync('ssh-keygen', ['-lf', `${path}.pub`], { encoding: 'utf8' })).toMatch(/^256 SHA256:/);

    const again = await runBurrow(['keys', 'generate', path], env);
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 1, stderr: `burrow: keys generate: ${path} exists already; not overwriting a key\n` });
    expect(readFileSync(`${path}.pub`, 'utf8').trim()).toBe(pub);
  });
});

describe('connect --use-key-server', () => {
  it('checks that the key server answers before making ~/.ssh/m2m_mcp_server_ssh_client', async () => {
    const env = burrowEnv();
    const closed = await freePort();
    const r = await runBurrow(['connect', '--host', '127.0.0.1', '--port', String(await freePort()), '--use-key-server', '--key-server-port', String(closed)], env, `${INITIALIZE}\n`, 30_000, true);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toBe(
      `burrow: cannot reach the key server at http://127.0.0.1:${closed}/server_pub_key: connection refused (is it running, and is --key-server-port right?)`,
    );
    expect(r.stderr).not.toContain('generated');
    expect(existsSync(join(env.HOME, '.ssh', 'm2m_mcp_server_ssh_client'))).toBe(false);
  });
});

/** `burrow ARGS` as another (unprivileged) user, with a home of its own. */
function runAs(user: { uid: number; gid: number }, args: string[]): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'burrow-cli-user-'));
  mkdirSync(join(home, 'burrow'));
  chmodSync(home, 0o755);
  execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, home]);
  const env = { ...burrowEnv(), HOME: home, BURROW_HOME: join(home, 'burrow') };
  return runProcess(process.execPath, [BURROW_BIN, ...args], { env, spawn: { uid: user.uid, gid: user.gid, cwd: home } });
}
