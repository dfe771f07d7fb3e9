import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING_SERVER, freePort, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { BURROW_BIN, burrowEnv, INITIALIZE, runBurrow } from '../support/burrow-process.js';
import { isRunning } from '../support/run-state.js';

// No forced command here: `--command` decides what runs, as on any OpenSSH host.
let sshd: SshdFixture;
let echoServer: string;
beforeAll(async () => {
  sshd = await startSshd({ forcedCommand: null });
  // The smallest JSON-RPC server: answers each request with its own params, byte-exact content.
  echoServer = join(sshd.dir, 'echo-server.cjs');
  writeFileSync(echoServer, `require('readline').createInterface({ input: process.stdin }).on('line', (l) => {
    const m = JSON.parse(l);
    if (m.id !== undefined) process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: m.params ?? {} }) + '\\n');
  });\n`);
});
afterAll(() => sshd?.stop());

const hostArgs = () => ['connect', '--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--client-key', sshd.clientKey, '--known-hosts', sshd.knownHostsFile];
const stdoutLines = (out: string) => out.split('\n').filter(Boolean);
const stderrLines = (err: string) => err.split('\n').filter(Boolean);

describe('relay edges (exec channel on plain OpenSSH)', () => {
  it('says so when a shell remote is a plain sshd with no m2m server: one line naming --command, and a JSON-RPC error', async () => {
    // No --command: a shell is asked for, as for m2m servers; a plain login shell tries to run the JSON as a command.
    const result = await runBurrow(hostArgs(), burrowEnv(), `${INITIALIZE}\n`, 30_000, true);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/runs no m2m MCP server: its shell tried to run the JSON as a command; give the remote a command that starts an MCP server/);
    expect(JSON.parse(stdoutLines(result.stdout)[0])).toMatchObject({ id: 1, error: { message: expect.stringContaining('--command') } });
  });

  it('carries a 32 MB message each way, byte for byte', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'é'.repeat(16 * 1024 * 1024) } } });
    expect(Buffer.byteLength(big)).toBeGreaterThan(32 * 1024 * 1024);
    const result = await runBurrow([...hostArgs(), '--command', `${process.execPath} ${echoServer}`], burrowEnv(), `${INITIALIZE}\n${big}\n`, 60_000);
    expect(result.code, result.stderr).toBe(0);
    const lines = stdoutLines(result.stdout);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(JSON.stringify({ jsonrpc: '2.0', id: 2, result: JSON.parse(big).params }));
  });

  it('skips and logs a banner before the JSON, without losing a message', async () => {
    const result = await runBurrow([...hostArgs(), '--command', `echo 'Welcome to prod.example.com'; echo 'Last login: never'; exec ${process.execPath} ${echoServer}`], burrowEnv(), `${INITIALIZE}\n`);
    expect(result.code, result.stderr).toBe(0);
    expect(stdoutLines(result.stdout)).toEqual([JSON.stringify({ jsonrpc: '2.0', id: 1, result: JSON.parse(INITIALIZE).params })]);
    expect(result.stderr).toMatch(/skipped a line that is not JSON: Welcome to prod.example.com/);
  });

  it('says a remote command was not found: one stderr line, exit 1, and a JSON-RPC error for initialize', async () => {
    const result = await runBurrow([...hostArgs(), '--command', 'no-such-mcp-server --stdio'], burrowEnv(), `${INITIALIZE}\n`);
    expect(result.code).toBe(1);
    const [line, ...rest] = stderrLines(result.stderr);
    expect(rest).toEqual([]);
    expect(line).toMatch(new RegExp(`^burrow: remote command "no-such-mcp-server --stdio" not found on ${sshd.user}@127\\.0\\.0\\.1:\\d+ \\(exit code 127\\): .*not found`));
    const reply = JSON.parse(stdoutLines(result.stdout)[0]);
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: 1, error: { code: -32000 } });
    expect(reply.error.message).toMatch(/not found/);
  });

  it('gives the exit code and the last stderr lines of a server that dies', async () => {
    const result = await runBurrow([...hostArgs(), '--command', 'echo "config file missing: /etc/mcp.toml" >&2; exit 3'], burrowEnv(), `${INITIALIZE}\n`);
    expect(result.code).toBe(1);
    expect(stderrLines(result.stderr)).toEqual([expect.stringMatching(/exited with code 3: config file missing: \/etc\/mcp.toml$/)]);
  });

  it("names a Node server's error from above its stack trace (a missing file), not the stack's last lines", async () => {
    const result = await runBurrow([...hostArgs(), '--command', `${process.execPath} /srv/no-such-mcp-server.js`], burrowEnv(), `${INITIALIZE}\n`);
    expect(result.code).toBe(1);
    expect(stderrLines(result.stderr)).toEqual([expect.stringMatching(/exited with code 1: Error: Cannot find module '\/srv\/no-such-mcp-server\.js' \| code: 'MODULE_NOT_FOUND', \| requireStack: \[\]$/)]);
  });

  it('ends the remote MCP server when the host closes stdin', async () => {
    const env = burrowEnv();
    // The remote server carries a mark in its environment, so the test finds its process on the server side.
    const mark = `stdin-close-${process.pid}`;
    const helper = spawn(process.execPath, [BURROW_BIN, ...hostArgs(), '--command', `export BURROW_TEST_MARK=${mark}; exec ${process.execPath} ${EVERYTHING_SERVER} stdio`], { env });
    helper.stdin.write(`${INITIALIZE}\n`);
    const [firstLine] = (await once(helper.stdout, 'data')) as [Buffer];
    expect(JSON.parse(firstLine.toString()).result.serverInfo.name).toBe('mcp-servers/everything');
    const servers = sshd.remoteProcesses().filter((p) => p.env.BURROW_TEST_MARK === mark);
    expect(servers).toHaveLength(1);
    const { pid } = servers[0];
    expect(isRunning(pid)).toBe(true);
    helper.stdin.end();
    const [code] = await once(helper, 'exit');
    expect(code).toBe(0);
    await expect.poll(() => isRunning(pid), { timeout: 5000 }).toBe(false);
  });
});

describe('connection errors a person can act on', () => {
  it('connection refused names host:port', async () => {
    const port = await freePort();
    const result = await runBurrow(['connect', '--host', '127.0.0.1', '--port', String(port), '--client-key', sshd.clientKey], burrowEnv(), `${INITIALIZE}\n`);
    expect(result.code).toBe(1);
    expect(stderrLines(result.stderr)).toEqual([`burrow: connection refused by 127.0.0.1:${port} (is sshd running and listening on that port?)`]);
    expect(JSON.parse(stdoutLines(result.stdout)[0]).error.message).toMatch(/connection refused/);
  });

  it('authentication failure names the user, address and keys tried (--host given as ssh takes it, user@host:port)', async () => {
    const env = burrowEnv();
    const stranger = join(env.HOME, 'stranger_ed25519');
    keygen(stranger);
    const result = await runBurrow(['connect', '--host', `${sshd.user}@127.0.0.1:${sshd.port}`, '--client-key', stranger, '--known-hosts', sshd.knownHostsFile], env, `${INITIALIZE}\n`);
    expect(result.code).toBe(1);
    expect(stderrLines(result.stderr)).toEqual([`burrow: authentication failed for ${sshd.user}@127.0.0.1:${sshd.port} (tried: key ~/stranger_ed25519)`]);
  });

  it('an unknown host key under the default (strict) policy fails as OpenSSH does, with the fingerprint', async () => {
    const result = await runBurrow(['connect', '--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--client-key', sshd.clientKey, '--known-hosts', sshd.emptyKnownHostsFile], burrowEnv(), `${INITIALIZE}\n`);
    expect(result.code).toBe(1);
    const lines = stderrLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^burrow: Host key verification failed\. No host key is known for \[127\.0\.0\.1\]:\d+ \(it offered ED25519 SHA256:[A-Za-z0-9+/]{43}\)/);
  });

  it('generates the m2m default client key when it is missing', async () => {
    const env = burrowEnv();
    const result = await runBurrow(['connect', '--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--known-hosts', sshd.knownHostsFile], env, `${INITIALIZE}\n`);
    const key = join(env.HOME, '.ssh', 'm2m_mcp_server_ssh_client');
    expect(existsSync(key) && existsSync(`${key}.pub`)).toBe(true);
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^ssh-ed25519 /);
    // Not authorized on this server: the person is told, and told which key was offered.
    expect(result.stderr).toContain('generated a new client key');
    expect(result.stderr).toContain(`authentication failed for ${sshd.user}@127.0.0.1:${sshd.port} (tried: key ~/.ssh/m2m_mcp_server_ssh_client)`);
  });
});
