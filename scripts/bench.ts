/**
 * `npm run bench`: Burrow against raw OpenSSH, as an MCP host sees them.
 *
 * One real sshd (test/support/sshd.ts, forced command = server-everything) serves three ways in:
 *   - `ssh -T …`                          what MCP host configs hold today
 *   - `burrow connect --host …`           standalone, the m2m drop-in
 *   - `burrow connect --remote NAME`      through a running `burrow daemon` that already holds the SSH connection
 *   - `node node-pipe.js ssh -T …`        reference, not Burrow: ssh behind a Node process that only pipes
 * Each is driven by the MCP SDK's Client over stdio: startup, 300 calls as a session starts, 1000 warm ones, calls after
 * a pause, 1 MB echoes, 200 calls at once. The Markdown table goes to stdout, progress to stderr.
 * Then issue 10's targets as a table; the run exits 1 when one is missed (docs/performance.md says how to read them).
 *   --soak N        N sessions through the daemon, its memory before and after
 *   --profile DIR   2000 calls per Burrow path under `node --cpu-prof`, and the top frames of each process
 *                   (with --big: 64 echoes of 1 MB instead)
 *   --node-flags "…" Node/V8 flags for every Burrow process (helpers and daemon), to try one against the other
 * Under `taskset -c 0` every process shares one core: the ratios repeat far better there (A/B of the hot path).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism, cpus, loadavg, userInfo } from 'node:os';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { burrowEnv } from '../test/support/burrow-process.js';
import { sshdAvailable, startSshd, type SshdFixture } from '../test/support/sshd.js';
import { framesTable, summarizeProfile } from './cpu-profile-summary.js';
import { childPids, cpuMs, rssMB } from './process-cpu.js';

// Compiled to dist-bench/scripts/: the repository is two folders up. The harness's own REPO points
// into dist-bench when compiled, so the paths that depend on it are passed in from here.
const REPO = resolve(import.meta.dirname, '..', '..');
const BURROW_BIN = resolve(REPO, 'bin', 'burrow.js');
const NODE_PIPE = resolve(import.meta.dirname, 'node-pipe.js');
const EVERYTHING = resolve(REPO, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

// Bounded loops: the whole run stays well under 3 minutes on 2 cores.
const STARTUPS = 8;
const SEQUENTIAL_CALLS = 300;
/** Warm calls timed: more than a session's first ones, so p99 rests on ten slowest calls, not three (it moved 5× between runs). */
const WARM_SEQUENTIAL_CALLS = 1000;
/** Calls after a pause: every process on the path has gone idle (caches, CPU) as between an agent's tool calls. */
const IDLE_CALLS = 20;
const IDLE_MS = 100;
const SEQUENTIAL_BLOCK = 25;
/** Untimed calls between the first and the warm measurement: by then V8 has optimized the relay's hot path. */
const WARM_CALLS = 3000;
const BIG_MESSAGE_BYTES = 1024 * 1024;
const BIG_CALLS = 16;
const PARALLEL_CALLS = 200;
// A round takes 10–20 ms and the machine's hiccups are of that size: the median of many.
const PARALLEL_ROUNDS = 15;
const WATCHDOG_MS = 240_000;

interface Variant {
  label: string;
  /** Local processes besides the one spawned that do this variant's work (the daemon). */
  servingPids?: number[];
  /** The spawned process's children do part of the work too (the reference pipe's ssh). */
  countChildren?: boolean;
  command: string;
  args: string[];
  env: Record<string, string>;
}

interface Session {
  client: Client;
  pid?: number;
  stderr: () => string;
  /** Spawn → the helper's "connected" line (its hello accepted by the daemon), when it says so (--log-level info). */
  helloMs: () => number | undefined;
  close: () => Promise<void>;
}

interface Result {
  startupMs: number[];
  /** `connect --remote` only: spawn → hello accepted. */
  helloMs: number[];
  callMs: number[];
  /** The same, after WARM_CALLS more calls in the same session. */
  warmCallMs: number[];
  warmCpuPerCallMs: number;
  /** CPU time of the local side (ssh, or burrow's helper plus daemon) per sequential call; NaN without /proc. */
  cpuPerCallMs: number;
  bigMBps: number;
  parallelMs: number[];
  /** Single calls after IDLE_MS of quiet each, as an agent calls a tool between turns of its model. */
  idleCallMs: number[];
  /** Resident memory of the process the host started, after the sequential calls. */
  rssMB?: number;
}

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
const cleanups: (() => void)[] = [];

async function open(variant: Variant): Promise<Session> {
  const transport = new StdioClientTransport({ command: variant.command, args: variant.args, env: variant.env, stderr: 'pipe' });
  let stderr = '';
  let helloMs: number | undefined;
  const t0 = performance.now();
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
    if (helloMs === undefined && HELLO_LINE.test(stderr)) helloMs = performance.now() - t0;
  });
  const client = new Client({ name: 'burrow-bench', version: '1.0.0' }, { capabilities: {} });
  try {
    await client.connect(transport);
  } catch (error) {
    await transport.close().catch(() => {});
    throw new Error(`${variant.label}: ${(error as Error).message}; stderr: ${stderr.trim()}`);
  }
  return { client, pid: transport.pid ?? undefined, stderr: () => stderr, helloMs: () => helloMs, close: () => client.close() };
}

/** What `burrow connect --remote --log-level info` says once the daemon accepted its hello. */
const HELLO_LINE = /connected to the Burrow engine/;

async function warmDaemon(variant: Variant): Promise<void> {
  const session = await open(variant);
  try {
    for (let i = 0; i < WARM_CALLS; i++) await echo(session.client, `earlier ${i}`);
  } finally {
    await session.close();
  }
}

/** Spawn → initialize → tools/list, the wait a person has when the host starts the server. */
async function timeStartup(variant: Variant, result?: Result): Promise<number> {
  const t0 = performance.now();
  const session = await open(variant);
  const tools = await session.client.listTools();
  const elapsed = performance.now() - t0;
  await session.close();
  if (!tools.tools.some((t) => t.name === 'echo')) throw new Error(`${variant.label}: tools/list has no echo tool`);
  const hello = session.helloMs();
  if (hello !== undefined) result?.helloMs.push(hello);
  return elapsed;
}

async function echo(client: Client, message: string): Promise<string> {
  const result = await client.callTool({ name: 'echo', arguments: { message } });
  const first = (result.content as { type: string; text?: string }[])[0];
  if (first?.type !== 'text' || first.text !== `Echo: ${message}`) throw new Error('echo came back altered');
  return first.text;
}

/**
 * Calls through every variant's session, interleaved (taking turns), so a busy moment of the
 * machine lands on all variants alike rather than on whichever was being measured.
 */
async function measureCalls(order: Variant[], results: Map<Variant, Result>): Promise<void> {
  const sessions: Session[] = [];
  try {
    for (const v of order) sessions.push(await open(v));
    const each = async (step: (client: Client, result: Result) => Promise<void>) => {
      for (let i = 0; i < order.length; i++) await step(sessions[i].client, results.get(order[i])!);
    };
    for (let i = 0; i < 20; i++) await each((client) => echo(client, `warm-up ${i}`).then(() => {}));

    const pids = order.map((v, i) => {
      const pid = sessions[i].pid;
      const children = v.countChildren && pid !== undefined ? childPids(pid) : [];
      return [pid, ...children, ...(v.servingPids ?? [])].filter((p): p is number => p !== undefined);
    });
    /** `calls` timed calls; the CPU per call of each variant's processes over them. */
    const sequential = async (tag: string, calls: number, record: (result: Result, ms: number) => void, cpu: (result: Result, ms: number) => void) => {
      progress(`${calls} sequential calls (${tag})`);
      const cpuBefore = pids.map((list) => list.map((pid) => cpuMs(pid)));
      // In blocks, so each variant runs warm for a while (as one host talking to its server does) yet takes turns.
      for (let block = 0; block < calls / SEQUENTIAL_BLOCK; block++) {
        await each(async (client, result) => {
          for (let i = 0; i < SEQUENTIAL_BLOCK; i++) {
            const t0 = performance.now();
            await echo(client, `call ${block}.${i}`);
            record(result, performance.now() - t0);
          }
        });
      }
      order.forEach((v, i) => {
        const perProcess = pids[i].map((pid, j) => (cpuMs(pid) - cpuBefore[i][j]) / calls);
        const perCall = perProcess.reduce((a, b) => a + b, 0);
        cpu(results.get(v)!, perCall);
        const split = v.servingPids?.length ? ` (helper ${perProcess[0].toFixed(3)} + daemon ${perProcess[1].toFixed(3)})` : '';
        progress(`CPU per call (${tag}), ${v.label}: ${perCall.toFixed(3)} ms${split}`);
      });
    };
    // A new session: the helper is a new process, and V8 compiles the hot path while these calls run.
    await sequential('first after 20 warm-up calls', SEQUENTIAL_CALLS, (r, ms) => r.callMs.push(ms), (r, ms) => (r.cpuPerCallMs = ms));
    // The process the host started (ssh, or burrow's helper), after those calls.
    order.forEach((_v, i) => (results.get(order[i])!.rssMB = rssMB(sessions[i].pid)));
    // Then the same session after a few thousand calls, as a host that has been talking to its server a while.
    progress(`${WARM_CALLS} more calls, untimed`);
    for (let block = 0; block < WARM_CALLS / 100; block++) {
      await each(async (client) => {
        for (let i = 0; i < 100; i++) await echo(client, `warm ${block}.${i}`);
      });
    }
    await sequential('warm', WARM_SEQUENTIAL_CALLS, (r, ms) => r.warmCallMs.push(ms), (r, ms) => (r.warmCpuPerCallMs = ms));

    progress(`${IDLE_CALLS} calls after ${IDLE_MS} ms of quiet each`);
    for (let i = 0; i < IDLE_CALLS; i++) {
      await each(async (client, result) => {
        await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
        const t0 = performance.now();
        await echo(client, `after a pause ${i}`);
        result.idleCallMs.push(performance.now() - t0);
      });
    }

    progress(`${BIG_CALLS} echoes of 1 MB`);
    const big = 'x'.repeat(BIG_MESSAGE_BYTES);
    await each((client) => echo(client, big).then(() => {}));
    const bigMs = new Map<Result, number>();
    const bigCpuBefore = pids.map((list) => list.map((pid) => cpuMs(pid)));
    for (let i = 0; i < BIG_CALLS; i++) {
      await each(async (client, result) => {
        const t0 = performance.now();
        await echo(client, big);
        bigMs.set(result, (bigMs.get(result) ?? 0) + performance.now() - t0);
      });
    }
    order.forEach((v, i) => {
      const perProcess = pids[i].map((pid, j) => (cpuMs(pid) - bigCpuBefore[i][j]) / BIG_CALLS);
      const rss = pids[i].map((pid) => rssMB(pid)?.toFixed(1) ?? '?').join(' + ');
      progress(`CPU per 1 MB echo, ${v.label}: ${perProcess.map((ms) => ms.toFixed(2)).join(' + ')} ms; RSS after them ${rss} MB`);
    });
    for (const [result, ms] of bigMs) result.bigMBps = (BIG_CALLS * BIG_MESSAGE_BYTES) / (1024 * 1024) / (ms / 1000);

    progress(`${PARALLEL_CALLS} parallel calls, ${PARALLEL_ROUNDS} rounds`);
    for (let round = 0; round < PARALLEL_ROUNDS; round++) {
      await each(async (client, result) => {
        const t0 = performance.now();
        await Promise.all(Array.from({ length: PARALLEL_CALLS }, (_, i) => echo(client, `parallel ${round}.${i}`)));
        result.parallelMs.push(performance.now() - t0);
      });
    }
  } finally {
    await Promise.all(sessions.map((s) => s.close()));
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

/** Starts `burrow daemon` and resolves once its socket listens. */
function startDaemon(env: Record<string, string>, nodeFlags: string[] = []): Promise<ChildProcess> {
  const daemon = spawn(process.execPath, [...nodeFlags, BURROW_BIN, 'daemon', '--log-level', 'info'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  cleanups.push(() => daemon.exitCode === null && daemon.kill('SIGTERM'));
  return new Promise((resolveStart, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`burrow daemon did not start within 15s: ${log.trim()}`)), 15_000);
    daemon.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/listening on/.test(log)) {
        clearTimeout(timer);
        resolveStart(daemon);
      }
    });
    daemon.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`burrow daemon exited with code ${code}: ${log.trim()}`));
    });
  });
}

function stopDaemon(daemon: ChildProcess): Promise<void> {
  if (daemon.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    daemon.once('exit', () => done());
    daemon.kill('SIGTERM');
  });
}

function burrowCli(args: string[], env: Record<string, string>): void {
  const run = spawnSync(process.execPath, [BURROW_BIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`burrow ${args.join(' ')} failed: ${run.stderr.trim()}`);
}

function variants(sshd: SshdFixture, user: string): { raw: Variant; standalone: Variant; daemon: Variant; nodePipe: Variant; daemonEnv: Record<string, string> } {
  const raw: Variant = {
    label: 'OpenSSH `ssh -T`',
    command: 'ssh',
    // -F /dev/null: the user's ssh config must not change what is measured.
    args: ['-T', '-F', '/dev/null', '-i', sshd.clientKey, '-p', String(sshd.port), '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'LogLevel=ERROR', `${user}@127.0.0.1`],
    env: homeEnv(),
  };
  const standalone: Variant = {
    label: '`burrow connect --host`',
    command: process.execPath,
    args: [BURROW_BIN, 'connect', '--host', '127.0.0.1', '--port', String(sshd.port), '--username', user, '--client-key', sshd.clientKey, '--known-hosts', sshd.knownHostsFile],
    env: homeEnv(),
  };
  const daemonEnv = homeEnv();
  const daemon: Variant = {
    label: '`burrow connect --remote` (warm daemon)',
    command: process.execPath,
    // info: the helper says when its hello was accepted (one stderr line), for the helper-start target.
    args: [BURROW_BIN, 'connect', '--remote', 'bench', '--log-level', 'info'],
    env: daemonEnv,
  };
  // Not Burrow: ssh behind a Node process that only pipes (scripts/node-pipe.ts), the floor of a Node hop.
  const nodePipe: Variant = {
    label: 'reference: ssh behind a Node pipe',
    command: process.execPath,
    args: [NODE_PIPE, 'ssh', ...raw.args],
    env: homeEnv(),
    countChildren: true,
  };
  return { raw, standalone, daemon, nodePipe, daemonEnv };
}

/**
 * A fresh Burrow home, and otherwise the environment an MCP host gives the servers it starts: the SDK's
 * StdioClientTransport (and Claude Desktop) pass only HOME, PATH, USER and a few more, not the host's own
 * environment. That matters for Node: NODE_EXTRA_CA_CERTS, set on this machine, makes Node 20 read the CA file at
 * start (~35 ms and ~2 MB here) in every process, though the helper never opens a TLS connection.
 */
function homeEnv(): Record<string, string> {
  const { BURROW_HOME, HOME } = burrowEnv();
  cleanups.push(() => rmSync(BURROW_HOME, { recursive: true, force: true }));
  return { ...getDefaultEnvironment(), BURROW_HOME, HOME };
}

const load = () => loadavg()[0].toFixed(1);

function fmtMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(2)} ms`;
}

function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(2)}×`;
}

function table(order: Variant[], results: Map<Variant, Result>): string {
  const [base] = order;
  const rows: { name: string; value: (r: Result) => number; show: (v: number) => string }[] = [
    { name: `spawn → tools/list (median of ${STARTUPS})`, value: (r) => percentile(r.startupMs, 0.5), show: fmtMs },
    { name: `tools/call echo, p50 (${SEQUENTIAL_CALLS} sequential, first after 20 warm-up)`, value: (r) => percentile(r.callMs, 0.5), show: fmtMs },
    { name: `tools/call echo, p99 (${SEQUENTIAL_CALLS} sequential, first after 20 warm-up)`, value: (r) => percentile(r.callMs, 0.99), show: fmtMs },
    { name: 'local CPU per call, first (ssh; burrow helper + daemon, the daemon having served an earlier session; or the pipe + ssh)', value: (r) => r.cpuPerCallMs, show: (v) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(3)} ms`) },
    { name: `tools/call echo, p50 (${WARM_SEQUENTIAL_CALLS} sequential, warm: after ${WARM_CALLS} more)`, value: (r) => percentile(r.warmCallMs, 0.5), show: fmtMs },
    { name: `tools/call echo, p99 (${WARM_SEQUENTIAL_CALLS} sequential, warm)`, value: (r) => percentile(r.warmCallMs, 0.99), show: fmtMs },
    { name: 'local CPU per call, warm (ssh; burrow helper + daemon; or the pipe + ssh)', value: (r) => r.warmCpuPerCallMs, show: (v) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(3)} ms`) },
    { name: `tools/call echo after a pause (${IDLE_MS} ms with nothing running; the paths take turns, so ~0.4 s since this session's last call), median of ${IDLE_CALLS}`, value: (r) => percentile(r.idleCallMs, 0.5), show: fmtMs },
    { name: `1 MB echo throughput (${BIG_CALLS} calls)`, value: (r) => r.bigMBps, show: (v) => `${v.toFixed(1)} MB/s` },
    { name: `${PARALLEL_CALLS} parallel calls, wall (median of ${PARALLEL_ROUNDS})`, value: (r) => percentile(r.parallelMs, 0.5), show: fmtMs },
    { name: 'memory of the process the host starts (ssh, burrow connect, the pipe), RSS', value: (r) => r.rssMB ?? NaN, show: (v) => (Number.isNaN(v) ? 'n/a' : `${v.toFixed(1)} MB`) },
  ];
  const lines = [
    `| | ${order.map((v) => v.label).join(' | ')} |`,
    `| --- | ${order.map(() => '---:').join(' | ')} |`,
  ];
  for (const row of rows) {
    const baseValue = row.value(results.get(base)!);
    const cells = order.map((v, i) => {
      const value = row.value(results.get(v)!);
      const comparable = i > 0 && Number.isFinite(value) && Number.isFinite(baseValue);
      return comparable ? `${row.show(value)} (${ratio(value, baseValue)})` : row.show(value);
    });
    lines.push(`| ${row.name} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

interface Target {
  name: string;
  /** The measured value for --host and --remote (undefined: the target does not apply to that path). */
  host?: number;
  remote?: number;
  show: (value: number) => string;
  ok: (value: number, path: 'host' | 'remote') => boolean;
}

/** Issue 10's targets, as ratios to raw OpenSSH in this run or as absolute numbers. */
function targets(order: Variant[], results: Map<Variant, Result>): Target[] {
  const [raw, host, remote] = order.map((v) => results.get(v)!);
  // Per-call targets on the warm session: what a host sees once it has used its server a while (see docs/performance.md).
  const p = (r: Result, q: number) => percentile(r.warmCallMs, q);
  const times = (v: number) => `${v.toFixed(3)}×`;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  return [
    { name: 'local CPU per call, warm ≤ 0.25 ms (--host), ≤ 0.35 ms (--remote: helper + daemon)', host: host.warmCpuPerCallMs, remote: remote.warmCpuPerCallMs, show: ms, ok: (v, path) => v <= (path === 'host' ? 0.25 : 0.35) },
    { name: 'p50 per call, warm ≤ 1.3× raw', host: p(host, 0.5) / p(raw, 0.5), remote: p(remote, 0.5) / p(raw, 0.5), show: times, ok: (v) => v <= 1.3 },
    { name: 'p99 per call, warm ≤ 1.5× raw', host: p(host, 0.99) / p(raw, 0.99), remote: p(remote, 0.99) / p(raw, 0.99), show: times, ok: (v) => v <= 1.5 },
    { name: '1 MB echo throughput ≥ 1.0× raw', host: host.bigMBps / raw.bigMBps, remote: remote.bigMBps / raw.bigMBps, show: times, ok: (v) => v >= 1.0 },
    { name: `${PARALLEL_CALLS} parallel calls ≤ 1.1× raw`, host: percentile(host.parallelMs, 0.5) / percentile(raw.parallelMs, 0.5), remote: percentile(remote.parallelMs, 0.5) / percentile(raw.parallelMs, 0.5), show: times, ok: (v) => v <= 1.1 },
    { name: 'helper RSS ≤ 45 MB', remote: remote.rssMB ?? NaN, show: (v) => `${v.toFixed(1)} MB`, ok: (v) => v <= 45 },
    { name: 'helper start (spawn → hello accepted) ≤ 60 ms', remote: remote.helloMs.length ? percentile(remote.helloMs, 0.5) : NaN, show: ms, ok: (v) => v <= 60 },
    { name: 'session start through the warm daemon ≤ 0.25× raw', remote: percentile(remote.startupMs, 0.5) / percentile(raw.startupMs, 0.5), show: times, ok: (v) => v <= 0.25 },
  ];
}

/** The targets as a Markdown table, and whether every one was met. */
function targetsTable(list: Target[]): { text: string; met: boolean } {
  let met = true;
  const cell = (t: Target, path: 'host' | 'remote') => {
    const v = t[path];
    if (v === undefined) return '';
    const ok = Number.isFinite(v) && t.ok(v, path);
    if (!ok) met = false;
    return `${Number.isFinite(v) ? t.show(v) : 'n/a'} ${ok ? 'met' : '**missed**'}`;
  };
  const lines = ['| target | `--host` | `--remote` |', '| --- | ---: | ---: |'];
  for (const t of list) lines.push(`| ${t.name} | ${cell(t, 'host')} | ${cell(t, 'remote')} |`);
  return { text: lines.join('\n'), met };
}

async function main(): Promise<number> {
  if (!sshdAvailable()) {
    process.stderr.write('bench: needs OpenSSH (/usr/sbin/sshd and ssh-keygen): apt-get install -y openssh-server\n');
    return 1;
  }
  const watchdog = setTimeout(() => {
    progress(`gave up after ${WATCHDOG_MS / 1000}s`);
    cleanup();
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const loadAtStart = load();
  const sshd = await startSshd({ forcedCommand: `${process.execPath} ${EVERYTHING} stdio` });
  cleanups.push(() => {
    sshd.stop();
    rmSync(sshd.dir, { recursive: true, force: true });
  });
  // The fixture's login user: an unprivileged test user when run as root (root's rc files would be measured).
  const user = sshd.user ?? userInfo().username;
  const { raw, standalone, daemon, nodePipe, daemonEnv } = variants(sshd, user);
  const order = [raw, standalone, daemon, nodePipe];
  const soak = soakCount();

  burrowCli(['remote', 'add', 'bench', '--host', '127.0.0.1', '--port', String(sshd.port), '--user', user, '--key', sshd.clientKey,
    '--no-agent', '--known-hosts', sshd.knownHostsFile, '--host-key-policy', 'strict'], daemonEnv);
  const profileDir = profileOption();
  const nodeFlags = nodeFlagsOption();
  for (const v of [standalone, daemon]) v.args = [...nodeFlags, ...v.args];
  if (profileDir) {
    // Every Burrow process of the run writes its profile; each variant's into its own folder.
    for (const [v, dir] of [[standalone, 'host'], [daemon, 'helper']] as const) v.args = [...profileFlags(join(profileDir, dir)), ...v.args];
  }
  progress('starting burrow daemon');
  const daemonProcess = await startDaemon(daemonEnv, [...nodeFlags, ...(profileDir ? profileFlags(join(profileDir, 'daemon')) : [])]);
  daemon.servingPids = daemonProcess.pid === undefined ? [] : [daemonProcess.pid];
  // Warm: the daemon logs in once here and keeps the connection for every measured session.
  await timeStartup(daemon);
  if (profileDir) {
    const windows = await profileCalls([standalone, daemon]);
    await stopDaemon(daemonProcess);
    clearTimeout(watchdog);
    reportProfiles(profileDir, windows);
    return 0;
  }
  if (soak) {
    const code = await runSoak(daemon, daemonEnv, soak);
    await stopDaemon(daemonProcess);
    clearTimeout(watchdog);
    return code;
  }

  // As a daemon that has served sessions before: V8 has compiled its relay path (a new helper still starts cold).
  progress(`an earlier session of ${WARM_CALLS} calls through the daemon`);
  await warmDaemon(daemon);

  const results = new Map<Variant, Result>(order.map((v) => [v, { startupMs: [], helloMs: [], callMs: [], warmCallMs: [], warmCpuPerCallMs: NaN, cpuPerCallMs: NaN, parallelMs: [], idleCallMs: [], bigMBps: 0 }]));
  // Round-robin, so a slow moment of the machine does not land on one variant only.
  for (let i = 0; i < STARTUPS; i++) {
    progress(`startup round ${i + 1}/${STARTUPS}`);
    for (const v of order) results.get(v)!.startupMs.push(await timeStartup(v, results.get(v)));
  }
  await measureCalls(order, results);
  const logins = sshd.acceptedLogins();
  await stopDaemon(daemonProcess);

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const ssh = spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim();
  process.stdout.write(`${table(order, results)}\n\n`);
  // availableParallelism follows the affinity mask: under `taskset -c 0` the whole run shares one core.
  const usable = availableParallelism();
  const pinned = usable < cpus().length ? ` (this run pinned to ${usable} of them)` : '';
  process.stdout.write(`Measured on loopback against one OpenSSH sshd (forced command: server-everything), ${cpus().length} × ${cpu}${pinned}, Node ${process.version}, ${ssh}. `);
  process.stdout.write(`Times are wall clock seen by the MCP SDK's Client; ratios are to raw OpenSSH. `);
  process.stdout.write(`sshd saw ${logins} logins in all (the daemon's sessions share one). Load average ${loadAtStart} at the start, ${load()} at the end: on a busy machine the per-call ratios grow. `);
  process.stdout.write(`CPU is the scheduler's exact count over every thread (/proc/PID/task/*/schedstat): a busy machine inflates it far less than wall clock, but still some (cold caches, a shared core).\n\n`);
  const { text, met } = targetsTable(targets(order, results));
  process.stdout.write(`${text}\n`);
  clearTimeout(watchdog);
  // A missed target fails the run, so the numbers are never only read by eye.
  return met ? 0 : 1;
}

const PROFILE_CALLS = 2000;
/** `--profile DIR --big`: the profiled calls are 1 MB echoes instead of small ones. */
const PROFILE_BIG_CALLS = 64;
const profileBig = process.argv.includes('--big');
const profiledCalls = () => (profileBig ? PROFILE_BIG_CALLS : PROFILE_CALLS);

/** `npm run bench -- --profile DIR`: the call loop only, under `node --cpu-prof`, and the top frames of each process. */
function profileOption(): string | undefined {
  const at = process.argv.indexOf('--profile');
  if (at === -1) return undefined;
  const dir = resolve(process.argv[at + 1] ?? '');
  if (!process.argv[at + 1]) throw new Error('--profile takes a folder for the .cpuprofile files');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function profileFlags(dir: string): string[] {
  // 100 µs sampling: a call costs a few hundred µs, so the default 1 ms would see little of it.
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'];
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** PROFILE_CALLS sequential calls through each variant in turn; the time window (profile clock, µs) of each. */
async function profileCalls(order: Variant[]): Promise<Map<Variant, { fromUs: number; toUs: number }>> {
  const windows = new Map<Variant, { fromUs: number; toUs: number }>();
  for (const v of order) {
    const session = await open(v);
    try {
      for (let i = 0; i < 50; i++) await echo(session.client, `warm-up ${i}`);
      const big = 'x'.repeat(BIG_MESSAGE_BYTES);
      const message = (i: number) => (profileBig ? big : `call ${i}`);
      progress(`${v.label}: ${profiledCalls()} calls under the profiler`);
      const fromUs = nowUs();
      for (let i = 0; i < profiledCalls(); i++) await echo(session.client, message(i));
      windows.set(v, { fromUs, toUs: nowUs() });
    } finally {
      await session.close();
    }
  }
  return windows;
}

/** The top frames of each process's profile during its variant's calls, as Markdown on stdout. */
function reportProfiles(dir: string, windows: Map<Variant, { fromUs: number; toUs: number }>): void {
  const [host, helper] = [...windows.values()];
  const parts: [string, string, { fromUs: number; toUs: number }][] = [
    ['`burrow connect --host` (engine in the helper)', 'host', host],
    ['`burrow connect --remote` helper', 'helper', helper],
    ['daemon, during the --remote calls', 'daemon', helper],
  ];
  for (const [title, sub, window] of parts) {
    // The last profile of a folder: the startup round before the measured session wrote one too.
    const files = readdirSync(join(dir, sub)).filter((f) => f.endsWith('.cpuprofile')).sort();
    const summaries = files.map((f) => summarizeProfile(join(dir, sub, f), window.fromUs, window.toUs));
    const summary = summaries.sort((a, b) => b.busyMs - a.busyMs)[0];
    if (!summary) continue;
    process.stdout.write(`### ${title}: ${(summary.busyMs / profiledCalls()).toFixed(3)} ms sampled busy per call\n\n`);
    process.stdout.write(`${framesTable('frame (self time)', summary.frames, profiledCalls())}\n\n${framesTable('area', summary.areas, profiledCalls())}\n\n`);
  }
}

/** `npm run bench -- --node-flags "--max-semi-space-size=16 …"`: flags for every Burrow process. */
function nodeFlagsOption(): string[] {
  const at = process.argv.indexOf('--node-flags');
  return at === -1 ? [] : (process.argv[at + 1] ?? '').split(' ').filter(Boolean);
}

/** `npm run bench -- --soak N`: N sessions opened and closed through the daemon. */
function soakCount(): number | undefined {
  const at = process.argv.indexOf('--soak');
  if (at === -1) return undefined;
  const n = Number(process.argv[at + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error('--soak takes a number of sessions, e.g. --soak 500');
  return n;
}

/** The daemon's memory as it reports it (`burrow status --json`), settled after a pause. */
async function daemonMemory(env: Record<string, string>): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  await new Promise((r) => setTimeout(r, 1000));
  const run = spawnSync(process.execPath, [BURROW_BIN, 'status', '--json'], { env, encoding: 'utf8', timeout: 30_000 });
  return (JSON.parse(run.stdout) as { memory: { rssBytes: number; heapUsedBytes: number } }).memory;
}

/**
 * Opens and closes `count` sessions (initialize, one call) through the daemon, and reports its memory before and
 * after: a leak per session shows as growth that scales with the count. Fails (exit 1) when the heap grew by more
 * than 20 MB or a session failed.
 */
async function runSoak(daemon: Variant, env: Record<string, string>, count: number): Promise<number> {
  const mb = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  // A first batch, so what the engine keeps for good (caches, the pooled connection) is there before measuring.
  for (let i = 0; i < 20; i++) await (await open(daemon)).close();
  const before = await daemonMemory(env);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const session = await open(daemon);
    await echo(session.client, `soak ${i}`);
    await session.close();
    if ((i + 1) % 100 === 0) progress(`soak: ${i + 1}/${count} sessions`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = await daemonMemory(env);
  const heapGrowth = after.heapUsedBytes - before.heapUsedBytes;
  process.stdout.write(`| soak: ${count} sessions through the daemon | before | after |\n| --- | ---: | ---: |\n`);
  process.stdout.write(`| daemon RSS | ${mb(before.rssBytes)} MB | ${mb(after.rssBytes)} MB |\n| daemon heap used | ${mb(before.heapUsedBytes)} MB | ${mb(after.heapUsedBytes)} MB |\n\n`);
  process.stdout.write(`${count} sessions in ${seconds.toFixed(1)} s (${((seconds * 1000) / count).toFixed(0)} ms each, spawn to close). `);
  const ok = heapGrowth < 20 * 1024 * 1024;
  process.stdout.write(`Heap growth ${mb(heapGrowth)} MB: ${ok ? 'flat' : '**grew: a leak?**'}\n`);
  return ok ? 0 : 1;
}

function cleanup(): void {
  for (const step of cleanups.splice(0).reverse()) {
    try {
      step();
    } catch {
      // best effort: the rest still has to be stopped
    }
  }
}

process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

main()
  .then((code) => {
    cleanup();
    process.exitCode = code;
  })
  .catch((error: Error) => {
    cleanup();
    process.stderr.write(`bench: ${error.message}\n`);
    process.exitCode = 1;
  });
