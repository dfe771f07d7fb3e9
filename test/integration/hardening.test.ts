/**
 * Issue 13 items 5, 6 and 9, as a person meets them: the real CLI (`node bin/burrow.js`) on a temp BURROW_HOME,
 * a real sshd for sessions, the daemon's real web bridge.
 *
 * Tests run as root, where mode bits stop no write. Two ways to make a home that cannot be written:
 * - BURROW_HOME below a regular file (ENOTDIR): works anywhere;
 * - a read-only bind mount of the home inside a private mount namespace (`unshare -m`, EROFS): needs
 *   CAP_SYS_ADMIN; skipped with a reason where `unshare` is not allowed. The mount lives only as long as
 *   the one command run inside it, so nothing is left mounted when a test fails.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, runBurrow, runProcess, type RunResult } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { ensureUser, SSH_TEST_USER } from '../support/test-user.js';

const TEST_USER = SSH_TEST_USER;
const scratch = mkdtempSync(join(tmpdir(), 'burrow-hardening-'));
let scratchCount = 0;
const freshDir = (name: string) => {
  const dir = join(scratch, `${name}-${++scratchCount}`);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
};

/** A Burrow home that cannot exist: its parent is a regular file. */
function homeBelowFile(): { home: string; file: string } {
  const file = join(freshDir('file-parent'), 'not-a-folder');
  writeFileSync(file, 'a file where a folder should be\n');
  return { home: join(file, 'home'), file };
}

/** Can this process make a private mount namespace with a read-only bind mount? */
const readOnlyMounts = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'burrow-ro-probe-'));
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount -o bind,ro "$0" "$0" && ! touch "$0/x" 2>/dev/null', probe]);
  rmSync(probe, { recursive: true, force: true });
  return r.status === 0;
})();
const NO_RO_REASON = 'unshare -m / mount -o bind,ro is not allowed here (needs CAP_SYS_ADMIN)';

/** The command line that runs `node bin/burrow.js ARGS` with `dir` mounted read-only for that process only. */
function readOnlyCommand(dir: string, args: string[]): { command: string; args: string[] } {
  return {
    command: 'unshare',
    args: ['-m', '--propagation', 'private', 'sh', '-c', 'd="$1"; shift; mount -o bind,ro "$d" "$d" && exec "$@"', 'sh', dir, process.execPath, BURROW_BIN, ...args],
  };
}

function run(command: string, args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<RunResult> {
  return runProcess(command, args, { env, timeoutMs });
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);

/** The same as a person sees: one line on stderr, nothing else, and a failing exit code. */
function expectOneLineFailure(result: RunResult, ...parts: (string | RegExp)[]): void {
  expect(result.code, result.stderr).not.toBe(0);
  expect(lines(result.stderr), result.stderr).toHaveLength(1);
  for (const part of parts) expect(result.stderr).toMatch(part);
  expect(result.stderr).not.toMatch(/\bE[A-Z]{3,}\b/); // no errno codes: words
}

/** The test user sshd runs the MCP server as (root's login shell runs pyenv: slow, and it can hang). */
function ensureTestUser(): void {
  // The shared fixture: created under a lock (other files and checkouts may make it at once), /bin/sh, no rc files.
  ensureUser(TEST_USER, '/bin/sh');
}

let sshd: SshdFixture | undefined;
async function testSshd(): Promise<SshdFixture> {
  if (sshd) return sshd;
  ensureTestUser();
  sshd = await startSshd({ user: TEST_USER });
  // sshd reads authorized_keys as the user who logs in.
  chmodSync(sshd.dir, 0o755);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o644);
  return sshd;
}

/** `burrow connect --host` to the test sshd, as an MCP host starts it, optionally through `wrap`. */
async function connectHost(env: Record<string, string>, extra: string[] = [], wrap?: (args: string[]) => { command: string; args: string[] }) {
  const s = await testSshd();
  const args = ['connect', '--host', '127.0.0.1', '--port', String(s.port), '--username', TEST_USER, '--client-key', s.clientKey, '--known-hosts', s.knownHostsFile, '--no-agent', ...extra];
  const spec = wrap ? wrap(args) : { command: process.execPath, args: [BURROW_BIN, ...args] };
  const transport = new StdioClientTransport({ command: spec.command, args: spec.args, env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'burrow-hardening-test', version: '1.0.0' }, { capabilities: {} });
  return { client, transport, stderr: () => stderr };
}

const daemons: DaemonHandle[] = [];
afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  sshd?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe('a settings file that fails validation is reported and never written (item 5)', () => {
  const cases: { what: string; text: string; says: (string | RegExp)[] }[] = [
    { what: 'an array at the top', text: '[1,2]\n', says: ['expected a JSON object', 'an array'] },
    { what: 'numbers where remotes go', text: '{"remotes":[1,2]}\n', says: ['key remotes[0]', 'expected object, received number'] },
    { what: 'a port out of range', text: '{"remotes":[{"name":"prod","host":"h","user":"u","port":99999}]}\n', says: ['key remotes[0].port (remote "prod")', '65535'] },
    { what: 'a string for a number', text: '{"remotes":[],"approvalTimeoutSec":"soon"}\n', says: ['key approvalTimeoutSec', 'expected number'] },
    { what: 'two remotes of one name', text: '{"remotes":[{"name":"a","host":"h","user":"u"},{"name":"a","host":"g","user":"u"}]}\n', says: ['key remotes[1].name (remote "a")', 'names must be unique'] },
    { what: 'broken JSON', text: '{"remotes": [\n', says: ['not valid JSON'] },
  ];
  for (const c of cases) {
    it(`${c.what}: list, add, remove and the daemon all refuse, naming file and key; the file keeps its bytes`, async () => {
      const env = burrowEnv();
      const file = join(env.BURROW_HOME, 'settings.json');
      writeFileSync(file, c.text, { mode: 0o600 });
      const before = statSync(file);
      for (const args of [['remote', 'list'], ['remote', 'add', 'other', '--host', 'example.org'], ['remote', 'remove', 'prod'], ['daemon', '--no-prestart']]) {
        const result = await runBurrow(args, env, '', 15_000);
        expectOneLineFailure(result, `settings file ${file} is invalid`, ...c.says);
        expect(readFileSync(file, 'utf8'), `after burrow ${args.join(' ')}`).toBe(c.text);
      }
      expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
    });
  }

  it('reading writes nothing: remote list on a new home creates neither the folder nor a settings file', async () => {
    const home = join(freshDir('absent'), 'burrow');
    const result = await runBurrow(['remote', 'list'], burrowEnv({ BURROW_HOME: home }));
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(home)).toBe(false);
  });
});

describe("Burrow's home is private (item 9)", () => {
  it('a home that does not exist yet is created 0700, the settings file 0600', async () => {
    const home = join(freshDir('new'), 'burrow');
    const result = await runBurrow(['remote', 'add', 'prod', '--host', 'example.org', '--command', 'true'], burrowEnv({ BURROW_HOME: home }));
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('the daemon warns once, in one line, about an existing home others can read, and runs on', async () => {
    const env = burrowEnv();
    chmodSync(env.BURROW_HOME, 0o755);
    const daemon = await startDaemon(env, ['--no-prestart']);
    daemons.push(daemon);
    const warnings = lines(daemon.stderr()).filter((l) => l.includes('can be read by other users'));
    expect(warnings).toEqual([`burrow daemon: warn: Burrow's folder ${env.BURROW_HOME} can be read by other users (mode 755); run: chmod 700 ${env.BURROW_HOME}`]);
    expect(statSync(env.BURROW_HOME).mode & 0o777).toBe(0o755); // told, not changed behind the person's back
    await daemon.stop();
  });
});

describe('a home that cannot be written (item 6)', () => {
  it('below a regular file: remote add names the file in the way; remote list still answers', async () => {
    const { home, file } = homeBelowFile();
    const env = burrowEnv({ BURROW_HOME: home });
    expectOneLineFailure(await runBurrow(['remote', 'add', 'prod', '--host', 'example.org'], env), `cannot create Burrow's folder ${home}: ${file} is a file, not a folder`);
    const list = await runBurrow(['remote', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
  });

  it('below a regular file: connect --remote says the daemon cannot start there, and why', async () => {
    const { home, file } = homeBelowFile();
    const result = await runBurrow(['connect', '--remote', 'prod'], burrowEnv({ BURROW_HOME: home }));
    expectOneLineFailure(result, 'cannot start the Burrow daemon', `${file} is a file, not a folder`, 'set BURROW_HOME to a folder you can write');
  });

  it('below a regular file: a standalone connect --host session works; the log file problem is one warning', async () => {
    const { home, file } = homeBelowFile();
    const c = await connectHost(burrowEnv({ BURROW_HOME: home }));
    await c.client.connect(c.transport);
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await c.client.close();
    const warnings = lines(c.stderr()).filter((l) => l.includes('cannot write'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${file} is a file, not a folder`);
  });

  it.skipIf(!readOnlyMounts)(`read-only (EROFS): remote add and connect --remote say the file system is read-only [skipped if ${NO_RO_REASON}]`, async () => {
    const env = burrowEnv();
    const home = env.BURROW_HOME;
    const add = readOnlyCommand(home, ['remote', 'add', 'prod', '--host', 'example.org']);
    expectOneLineFailure(await run(add.command, add.args, env), `cannot write the settings file ${join(home, 'settings.json')}: the file system is read-only`);
    const connect = readOnlyCommand(home, ['connect', '--remote', 'prod']);
    expectOneLineFailure(await run(connect.command, connect.args, env), 'cannot start the Burrow daemon', `${join(home, 'logs', 'daemon-start.log')}: the file system is read-only`);
  });

  it.skipIf(!readOnlyMounts)('read-only (EROFS): a standalone connect --host session works and warns once', async () => {
    const env = burrowEnv();
    const c = await connectHost(env, [], (args) => readOnlyCommand(env.BURROW_HOME, args));
    await c.client.connect(c.transport);
    const first = await c.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 1 } });
    const second = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 2 } });
    expect(JSON.stringify(first.content)).toContain('2');
    expect(JSON.stringify(second.content)).toContain('4');
    await c.client.close();
    const warnings = lines(c.stderr()).filter((l) => l.includes('cannot write'));
    expect(warnings, c.stderr()).toEqual([`burrow: warn: cannot write the audit log ${join(env.BURROW_HOME, 'logs')}/audit-${new Date().toISOString().slice(0, 10)}.jsonl: the file system is read-only; going on without it`]);
  });
});

/** The CLI run as the unprivileged test user, so mode bits apply (root passes them all). */
function asTestUser(args: string[]): { command: string; args: string[] } {
  return { command: 'setpriv', args: [`--reuid=${TEST_USER}`, `--regid=${TEST_USER}`, '--clear-groups', process.execPath, BURROW_BIN, ...args] };
}
const testUserRuns = (() => {
  if (process.getuid?.() !== 0 || spawnSync('setpriv', ['--help']).status !== 0) return false;
  ensureTestUser();
  // The checkout must be readable by that user (a clone under /root is not).
  return spawnSync('setpriv', [`--reuid=${TEST_USER}`, `--regid=${TEST_USER}`, '--clear-groups', process.execPath, BURROW_BIN, '--help']).status === 0;
})();

describe.skipIf(!testUserRuns)('a home another user owns (EACCES; skipped unless root with setpriv and a checkout the test user can read)', () => {
  it('remote add on a home it cannot write: permission denied, with the path', async () => {
    const home = freshDir('root-owned');
    chmodSync(scratch, 0o755);
    chmodSync(home, 0o755);
    const cmd = asTestUser(['remote', 'add', 'prod', '--host', 'example.org']);
    expectOneLineFailure(await run(cmd.command, cmd.args, burrowEnv({ BURROW_HOME: home })), `cannot write the settings file ${join(home, 'settings.json')}: permission denied`);
  });

  it('remote list on a home inside a folder it cannot enter: permission denied, with the socket path', async () => {
    const closed = freshDir('closed');
    chmodSync(scratch, 0o755);
    const home = join(closed, 'home');
    const cmd = asTestUser(['remote', 'list']);
    expectOneLineFailure(await run(cmd.command, cmd.args, burrowEnv({ BURROW_HOME: home })), `cannot connect to ${join(home, 'run', 'daemon.sock')}: permission denied`);
  });
});

describe('known_hosts read errors name the file (item 6)', () => {
  it("hostkeys list with a directory at Burrow's known_hosts", async () => {
    const env = burrowEnv();
    const path = join(env.BURROW_HOME, 'known_hosts');
    mkdirSync(path);
    expectOneLineFailure(await runBurrow(['hostkeys', 'list'], env), `cannot read known_hosts file ${path}: it is a directory`);
  });

  it('connect --host --known-hosts DIR: the session fails with the path and the reason', async () => {
    const dir = freshDir('kh-dir');
    const c = await connectHost(burrowEnv(), ['--known-hosts', dir]);
    const failure = await c.client.connect(c.transport).then(() => c.client.listTools()).then(
      () => 'no error',
      (error: Error) => error.message,
    );
    await c.client.close().catch(() => {});
    expect(`${failure} ${c.stderr()}`).toContain(`cannot read known_hosts file ${dir}: it is a directory`);
  });
});

describe("the daemon's socket path (item 9)", () => {
  it('a regular file there is refused, named, and kept', async () => {
    const env = burrowEnv();
    const runDir = join(env.BURROW_HOME, 'run');
    mkdirSync(runDir, { mode: 0o700 });
    const path = join(runDir, 'daemon.sock');
    writeFileSync(path, 'not a socket: someone\'s data\n');
    const result = await runBurrow(['daemon', '--no-prestart'], env, '', 15_000);
    expectOneLineFailure(result, `${path} exists and is not a socket; remove it if it is not yours`);
    expect(readFileSync(path, 'utf8')).toBe('not a socket: someone\'s data\n');
  });

  it('a stale socket left by a killed daemon is still replaced', async () => {
    const env = burrowEnv();
    const runDir = join(env.BURROW_HOME, 'run');
    mkdirSync(runDir, { mode: 0o700 });
    const path = join(runDir, 'daemon.sock');
    // A process that listens on the path and dies without cleaning up, as a crashed daemon does.
    const holder = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(statSync(path).isSocket()).toBe(true);
    const daemon = await startDaemon(env, ['--no-prestart']);
    daemons.push(daemon);
    expect(daemon.stderr()).toContain(`listening on ${path}`);
    await daemon.stop();
  });
});

describe("the web UI's body limit (item 9)", () => {
  let daemon: DaemonHandle;
  let origin: string;
  let token: string;
  beforeAll(async () => {
    daemon = await startDaemon(burrowEnv(), ['--ui', '--ui-port', '0', '--no-prestart']);
    daemons.push(daemon);
    const url = new URL(/Burrow UI: (\S+)/.exec(daemon.stdout())![1]);
    origin = url.origin;
    token = url.hash.replace('#token=', '');
  });

  const post = (body: string | ReadableStream<Uint8Array>) =>
    fetch(`${origin}/api/listRemotes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body,
      ...(typeof body === 'string' ? {} : { duplex: 'half' }),
    } as RequestInit);

  it('an announced oversized body gets 413 and a JSON error, not a reset', async () => {
    const res = await post(JSON.stringify(['x'.repeat(2 * 1024 * 1024)]));
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'request body larger than 1048576 bytes' });
  });

  it('a streamed (chunked) oversized body gets 413 too', async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await post(stream);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain('larger than');
  });

  it('the daemon answers the next request as before', async () => {
    const res = await post('[]');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: [] });
  });
});
