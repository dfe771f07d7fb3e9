import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, INITIALIZE, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { waitFor } from '../support/helper-process.js';
import { isRunning } from '../support/run-state.js';
import { EVERYTHING_SERVER, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';

/**
 * The adversarial probe's cases, kept: the local socket under abuse, a stopped engine, hosts that stop reading
 * or die mid-call. Each in seconds, against a real daemon and sshd.
 */
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle;
let socketPath: string;
let pidDir: string;

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const daemonInfo = () => JSON.parse(readFileSync(join(env.BURROW_HOME, 'run', 'daemon.json'), 'utf8')) as { pid: number; socket: string; token: string };

function callLine(id: number, name: string, args: Record<string, unknown>): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } })}\n`;
}

async function status(): Promise<{ sessions: { id: number }[] }> {
  const r = await runBurrow(['status', '--json'], env);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  // No forced command: the remote's command records its pid, so a test can see the server stop.
  sshd = await startSshd({ forcedCommand: null });
  // A folder the test user's sessions may write their pids into.
  pidDir = mkdtempSync(join(process.env.BURROW_TEST_RUN_DIR ?? tmpdir(), 'burrow-pids-'));
  chmodSync(pidDir, 0o777);
  env = burrowEnv();
  await addSshdRemote(env, 'probe', sshd, ['--command', `echo $$ >> ${pidDir}/server.pids; exec ${process.execPath} ${EVERYTHING_SERVER} stdio`]);
  daemon = await startDaemon(env, ['--no-prestart']);
  socketPath = daemonInfo().socket;
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe('the local socket under abuse', () => {
  it('refused hellos followed by 64 KB or more leave no open handle behind', async () => {
    const pid = daemonInfo().pid;
    const before = openFds(pid);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Promise<void>((resolve) => {
          const s = connect(socketPath);
          s.on('error', () => {});
          const hello = i % 2 ? { v: 2, token: 'wrong', op: 'connect', remote: 'probe', client: 'x' } : { v: 2, token: daemonInfo().token, op: 'connect', remote: 'no-such', client: 'x' };
          s.write(`${JSON.stringify(hello)}\n`);
          s.write(Buffer.alloc(96 * 1024, 0x41));
          // The client goes away without reading the refusal.
          setTimeout(() => {
            s.destroy();
            resolve();
          }, 50);
        }),
      ),
    );
    await waitFor(() => openFds(pid) <= before + 1, 10_000, () => `the daemon holds ${openFds(pid)} handles, ${before} before`);
  });

  it('closes a client that connects and says nothing', async () => {
    const s: Socket = connect(socketPath);
    s.on('error', () => {});
    // Read what the engine says, so its end of the connection is seen.
    s.resume();
    const started = Date.now();
    await new Promise<void>((resolve) => s.once('close', () => resolve()));
    expect(Date.now() - started).toBeLessThan(9000);
  });
});

describe('a stopped engine', () => {
  it('the helper gives up within seconds with one line and a JSON-RPC error for initialize', async () => {
    const pid = daemonInfo().pid;
    process.kill(pid, 'SIGSTOP');
    try {
      const r = await runBurrow(['connect', '--remote', 'probe'], env, `${INITIALIZE}\n`, 20_000, true);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the Burrow engine (pid ${pid}) does not answer`);
      expect(JSON.parse(r.stdout)).toMatchObject({ id: 1, error: { message: expect.stringContaining('does not answer') } });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  });
});

describe('hosts that die', () => {
  it('a host that stopped reading, then is killed, leaves no session behind', async () => {
    const helper = spawn(process.execPath, [BURROW_BIN, 'connect', '--remote', 'probe'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // stdout is never read: the pipe fills and the session is held up by backpressure.
    helper.stdout.pause();
    helper.stdin.write(`${INITIALIZE}\n`);
    const big = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 30; i++) helper.stdin.write(callLine(100 + i, 'echo', { message: big }));
    await new Promise((r) => setTimeout(r, 4000));
    helper.kill('SIGKILL');
    let sessions = -1;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      sessions = (await status()).sessions.length;
      if (sessions === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(sessions).toBe(0);
  });

  it('a host killed mid-call: the remote server is told to cancel and stops, not after the call would have ended', async () => {
    const pidsBefore = readPids().length;
    const helper = spawn(process.execPath, [BURROW_BIN, 'connect', '--remote', 'probe'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    helper.stdout.on('data', (c: Buffer) => (out += c.toString()));
    helper.stdin.write(`${INITIALIZE}\n`);
    await waitFor(() => out.includes('"id":1'), 30_000, () => `no initialize answer: ${out}`);
    helper.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    helper.stdin.write(callLine(2, 'trigger-long-running-operation', { duration: 60, steps: 60 }));
    await waitFor(() => readPids().length > pidsBefore, 10_000, () => 'the remote server did not start');
    const serverPid = readPids().at(-1)!;
    await new Promise((r) => setTimeout(r, 1000));
    helper.kill('SIGKILL');
    // The call would run 60 s; the server's process ends within seconds of the host's death.
    await waitFor(() => !isRunning(serverPid), 15_000, () => `the remote server (pid ${serverPid}) still runs`);
  });
});

function readPids(): number[] {
  try {
    return readFileSync(join(pidDir, 'server.pids'), 'utf8').trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
