import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDaemonInfo } from '../../electron/core/ipc/daemon-info.js';
import { handoffSocketName } from '../../electron/core/ipc/stdio-handoff.js';
import { runtimeDir } from '../../electron/core/paths.js';
import { helloLine, readFirstLine } from '../../electron/core/ipc/ipc-client.js';
import { BURROW_BIN, burrowEnv, connectClient, INITIALIZE, runProcess } from '../support/burrow-process.js';
import { startDaemon, startDaemonLab, type DaemonLab } from '../support/daemon.js';
import { toolResultText } from '../support/tool-result-text.js';
import { waitFor } from '../support/wait-for.js';

/**
 * `burrow connect --remote` hands the MCP host's own stdin and stdout to the engine (issue 10): the bytes go between
 * the host and the engine with no helper process in between. Where it cannot, it pipes as before.
 */
let lab: DaemonLab | undefined;
let env: Record<string, string>;

const TOOK_OVER = /connected to the Burrow engine \(pid \d+\).*; it took over stdio/;
const CALL = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { message: 'through a pipeline' } } });

beforeAll(async () => {
  lab = await startDaemonLab();
  ({ env } = lab);
});

afterAll(() => lab?.stop());

describe('the engine takes the host\'s stdio over', () => {
  it('calls go through with the helper stopped (SIGSTOP): it is not on the path of a message', async () => {
    const c = await connectClient(['--remote', 'lab', '--log-level', 'info'], env);
    try {
      await waitFor(() => TOOK_OVER.test(c.stderr()), 5000, () => `helper stderr: ${c.stderr()}`);
      const pid = c.transport.pid!;
      process.kill(pid, 'SIGSTOP');
      try {
        const result = await c.client.callTool({ name: 'echo', arguments: { message: 'the helper is asleep' } });
        expect(toolResultText(result)).toContain('the helper is asleep');
      } finally {
        process.kill(pid, 'SIGCONT');
      }
    } finally {
      await c.close();
    }
  }, 60_000);

  it('a host that gives OS pipes (a shell pipeline) is served the same way, and its end of input ends the session', async () => {
    const pipeline = `cat | "${process.execPath}" "${BURROW_BIN}" connect --remote lab --log-level info | cat`;
    const r = await runProcess('sh', ['-c', pipeline], { env, input: `${INITIALIZE}\n${CALL}\n`, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(TOOK_OVER);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number; result?: { content: { text: string }[] } });
    expect(replies.map((m) => m.id)).toEqual([1, 2]);
    expect(replies[1].result!.content[0].text).toContain('through a pipeline');
  }, 60_000);

  it('stdin from a file cannot be handed over: the helper pipes it, with the same answers', async () => {
    const input = join(env.BURROW_HOME, 'requests.jsonl');
    writeFileSync(input, `${INITIALIZE}\n${CALL}\n`);
    const r = await runProcess('sh', ['-c', `"${process.execPath}" "${BURROW_BIN}" connect --remote lab --log-level info < "${input}" | cat`], { env, timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/connected to the Burrow engine/);
    expect(r.stderr).not.toMatch(/took over stdio/);
    expect(r.stdout).toContain('through a pipeline');
  }, 60_000);

  it('BURROW_STDIO_HANDOFF=0 turns it off: the helper pipes, and the session works as before', async () => {
    const c = await connectClient(['--remote', 'lab', '--log-level', 'info'], { ...env, BURROW_STDIO_HANDOFF: '0' });
    try {
      const result = await c.client.callTool({ name: 'echo', arguments: { message: 'piped' } });
      expect(toolResultText(result)).toContain('piped');
      expect(c.stderr()).toMatch(/connected to the Burrow engine/);
      expect(c.stderr()).not.toMatch(/took over stdio/);
    } finally {
      await c.close();
    }
  }, 60_000);

  it('the engine connects to no hand-over socket outside its own folder: a hello that names one gets a ticket', async () => {
    const elsewhere = join(env.BURROW_HOME, 'h1.s');
    let connections = 0;
    const bait = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => bait.listen(elsewhere, resolve));
    const info = readDaemonInfo(env)!;
    const control = connect(info.socket);
    try {
      control.write(helloLine({ op: 'connect', token: info.token, remote: 'lab', handoff: elsewhere }));
      const { line } = await readFirstLine(control, 5000, () => new Error('no reply'));
      const reply = JSON.parse(line) as { type: string; ticket?: string; handoff?: boolean };
      expect(reply.type).toBe('ready');
      expect(reply.ticket).toMatch(/^[\w-]{20,}$/);
      expect(reply.handoff).toBeUndefined();
      expect(connections).toBe(0);
    } finally {
      control.destroy();
      bait.close();
    }
  });

  it('an engine that starts removes the hand-over sockets of helpers that are gone, and keeps a live one\'s', async () => {
    const home = burrowEnv();
    const folder = runtimeDir(home);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    // A socket file stays behind when the process listening on it is killed.
    const leaveSocket = async (path: string) => {
      const child = spawn(process.execPath, ['-e', 'require("net").createServer().listen(process.argv[1], () => console.log("up"))', path], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
      return child.pid!;
    };
    const deadPid = await leaveSocket(join(folder, 'placeholder.s'));
    const stale = join(folder, handoffSocketName(deadPid));
    const live = join(folder, handoffSocketName(process.pid));
    await leaveSocket(stale);
    await leaveSocket(live);
    const other = join(folder, 'notes.txt');
    writeFileSync(other, 'not Burrow\'s');
    const second = await startDaemon(home);
    try {
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(other)).toBe(true);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
