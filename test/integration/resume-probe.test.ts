import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { descendants, recordPid, tempDir } from '../support/run-state.js';
import { REPO, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Adversarial probes of session resume (issue 14): faults at awkward moments, servers that come back different,
 * hosts that misbehave during an outage, many sessions through one drop. Real sshd, daemon, SDK Client as host, and a
 * tiny MCP server (test/support/shifting-mcp-server.mjs) that answers differently on its later starts.
 */
const SERVER = resolve(REPO, 'test/support/shifting-mcp-server.mjs');
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle;
const open: ConnectedClient[] = [];
let up = true;

type Mode = 'same' | 'version' | 'fewer' | 'slow-init' | 'crash' | 'more-tools';

/** A remote running the shifting server in its own state folder; returns that folder. */
async function addRemote(name: string, mode: Mode): Promise<string> {
  const state = tempDir(`probe-${name}`, true);
  chmodSync(state, 0o777);
  await addSshdRemote(env, name, sshd, ['--command', `${process.execPath} ${SERVER} ${state} ${mode}`]);
  return state;
}

/** What the server read, per start: `received(state)[n]` lists `method id` lines of start n+1. */
function received(state: string): string[][] {
  const starts: string[][] = [];
  const file = join(state, 'received');
  if (!existsSync(file)) return starts;
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    if (line.startsWith('START ')) starts.push([]);
    else starts[starts.length - 1].push(line);
  }
  return starts;
}

async function host(remote: string, capabilities: Record<string, unknown> = {}): Promise<ConnectedClient> {
  const connected = await connectClient(['--remote', remote], env, capabilities);
  open.push(connected);
  return connected;
}

function echo(h: ConnectedClient, text: string, signal?: AbortSignal): Promise<CallToolResult> {
  return h.client.callTool({ name: 'echo', arguments: { message: text } }, undefined, { signal, timeout: 60_000 }) as Promise<CallToolResult>;
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('');

async function status(): Promise<{ sessions: { remote: string; waitingFor?: string }[] }> {
  const r = await runBurrow(['status', '--json'], env);
  return JSON.parse(r.stdout) as { sessions: { remote: string; waitingFor?: string }[] };
}

async function sessionsOf(remote: string, waiting = false): Promise<number> {
  return (await status()).sessions.filter((s) => s.remote === remote && (!waiting || s.waitingFor === remote)).length;
}

/** `burrow connect --remote NAME` driven line by line, as a host that is not the SDK writes it. */
function rawHost(remote: string) {
  const child = spawn(process.execPath, [BURROW_BIN, 'connect', '--remote', remote], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  recordPid(child.pid!, 'burrow-connect');
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const send = (m: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
  return {
    send,
    out: () => out,
    err: () => err,
    exited: new Promise<number | null>((r) => child.on('close', (code) => r(code))),
    endInput: () => child.stdin.end(),
    kill: () => child.exitCode === null && child.kill('SIGKILL'),
    initialize: async () => {
      send({ id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-host', version: '1' } } });
      await waitFor(() => out.includes('"id":0'), 20_000, () => err);
      send({ method: 'notifications/initialized' });
    },
  };
}

function setResumeWait(seconds: number): void {
  const file = join(env.BURROW_HOME, 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, resumeWaitSec: seconds }));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The remote is down: sshd stops listening and every live connection is cut. */
async function takeDown(): Promise<void> {
  const master = Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8'));
  const connections = descendants(master);
  sshd.stop();
  await waitFor(() => !alive(master), 10_000, () => `sshd ${master} did not stop`);
  for (const pid of connections) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  up = false;
}

async function bringUp(): Promise<void> {
  if (up) return;
  await sshd.restart();
  up = true;
}

/** Resumes recorded by the daemon so far ("resumed on a fresh server of NAME"). */
const resumes = (remote: string) => (daemon.stderr().match(new RegExp(`resumed on a fresh server of ${remote} `, 'g')) ?? []).length;

beforeAll(async () => {
  // Room for 20 sessions on one connection: the pool opens a second connection only when sshd refuses a channel.
  sshd = await startSshd({ forcedCommand: null, extraConfig: ['MaxSessions 40'] });
  env = burrowEnv();
  daemon = await startDaemon(env, ['--no-prestart', '--log-level', 'info']);
});

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
  await bringUp();
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe('faults at awkward moments', () => {
  it('the connection drops mid-session, again during the replayed initialize, and again right after the resume: the session survives', async () => {
    const state = await addRemote('flappy', 'slow-init');
    const h = await host('flappy');
    expect(textOf(await echo(h, 'one'))).toBe('one (start 1)');

    expect(sshd.dropConnections()).toBeGreaterThan(0);
    // The second server got the replayed initialize and takes 4 s to answer it: drop the connection meanwhile.
    await waitFor(() => received(state)[1]?.includes('initialize 0') ?? false, 20_000, () => JSON.stringify(received(state)));
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    await waitFor(() => resumes('flappy') >= 1, 30_000, () => daemon.stderr().slice(-2000));
    // A network that flaps once more within seconds of the resume.
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    await waitFor(() => resumes('flappy') >= 2, 30_000, () => daemon.stderr().slice(-2000));
    const after = await echo(h, 'two').catch((e: Error) => {
      throw new Error(`${e.message}; helper: ${h.stderr()}`);
    });
    expect(textOf(after)).toMatch(/^two \(start [4-9]\)$/);
    expect(h.stderr()).not.toMatch(/not restarting it again/);
  }, 120_000);

  it('a server that exits right after each restart still ends the session instead of restarting forever', async () => {
    await addRemote('crashy', 'crash');
    const h = await host('crashy');
    await echo(h, 'one');
    let closed = false;
    h.client.onclose = () => (closed = true);
    sshd.dropConnections();
    await waitFor(() => closed, 30_000, () => `still open; stderr: ${h.stderr()}`);
    expect(h.stderr()).toMatch(/remote command ".*" on crashy exited with code 3 \(it ended right after each of 2 restarts; not restarting it again\)/);
  }, 60_000);

  it('the server comes back with another tool: the host gets tools/list_changed once, and the new list', async () => {
    await addRemote('grown', 'more-tools');
    const h = await host('grown');
    let changed = 0;
    h.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
    expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow']);
    sshd.dropConnections();
    await waitFor(() => changed > 0, 30_000, () => daemon.stderr().slice(-1500));
    expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow', 'added']);
    expect(changed).toBe(1);
  }, 60_000);

  it('a host answered from the cached catalog while the remote is down gets tools/list_changed when it is back with another tool', async () => {
    const state = await addRemote('regrown', 'same');
    {
      const first = await host('regrown');
      await first.client.listTools();
    }
    await takeDown();
    // The remote comes back with a server that has one more tool (its command changes, as settings.json is read on each use).
    const remotes = JSON.parse(readFileSync(join(env.BURROW_HOME, 'settings.json'), 'utf8')) as { remotes: { name: string; command?: string }[] };
    const entry = remotes.remotes.find((r) => r.name === 'regrown')!;
    entry.command = entry.command!.replace(/ same$/, ' more-tools');
    writeFileSync(join(env.BURROW_HOME, 'settings.json'), JSON.stringify(remotes));
    const h = await host('regrown');
    let changed = 0;
    h.client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed++;
    });
    expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow']);
    await bringUp();
    await waitFor(() => changed > 0, 30_000, () => daemon.stderr().slice(-1500));
    expect((await h.client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'slow', 'added']);
    expect(received(state).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('the server comes back with another protocol version: the session ends with a clear error', async () => {
    await addRemote('versioned', 'version');
    const h = await host('versioned');
    await echo(h, 'one');
    let closed = false;
    h.client.onclose = () => (closed = true);
    sshd.dropConnections();
    await waitFor(() => closed, 30_000, () => `still open; stderr: ${h.stderr()}`);
    expect(h.stderr()).toMatch(/versioned cannot resume this session: its server now speaks MCP protocol 2024-11-05, not \S+ as when the session started; restart the server in the MCP host/);
    await waitFor(async () => (await sessionsOf('versioned')) === 0, 10_000, () => 'the session is still listed');
  }, 60_000);

  it('the server comes back without a capability it had: the session ends with a clear error', async () => {
    await addRemote('shrunk', 'fewer');
    const h = await host('shrunk');
    await echo(h, 'one');
    let closed = false;
    h.client.onclose = () => (closed = true);
    sshd.dropConnections();
    await waitFor(() => closed, 30_000, () => `still open; stderr: ${h.stderr()}`);
    expect(h.stderr()).toMatch(/shrunk cannot resume this session: its server no longer offers prompts/);
  }, 60_000);
});

describe('what the host sends while the session resumes', () => {
  it('requests and notifications sent during an outage reach the fresh server once each, in order, with their ids', async () => {
    const state = await addRemote('ordered', 'same');
    const h = await host('ordered', { roots: { listChanged: true } });
    await echo(h, 'zero');
    await takeDown();
    await waitFor(async () => (await sessionsOf('ordered', true)) === 1, 15_000, () => 'the session is not shown as waiting');
    const calls: Promise<CallToolResult>[] = [];
    for (let i = 1; i <= 10; i++) {
      calls.push(echo(h, `m${i}`));
      if (i === 5) await h.client.sendRootsListChanged();
    }
    await bringUp();
    const results = await Promise.all(calls);
    expect(results.map(textOf)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 1} (start 2)`));
    const second = received(state)[1];
    // The replayed setup first, then the host's messages as it sent them.
    expect(second.slice(0, 2)).toEqual(['initialize 0', 'notifications/initialized null']);
    const fromHost = second.filter((l) => l.startsWith('tools/call') || l.startsWith('notifications/roots'));
    // Burrow's own roots notice (the host offers roots) belongs to the replayed setup, before the host's messages.
    expect(fromHost.map((l) => l.split(' ')[0])).toEqual(['notifications/roots/list_changed', ...Array(5).fill('tools/call'), 'notifications/roots/list_changed', ...Array(5).fill('tools/call')]);
    const ids = fromHost.filter((l) => l.startsWith('tools/call')).map((l) => l.split(' ')[1]);
    expect(new Set(ids).size).toBe(10);
    // None of them went to the first server too.
    const firstIds = received(state)[0].filter((l) => l.startsWith('tools/call')).map((l) => l.split(' ')[1]);
    expect(ids.filter((id) => firstIds.includes(id))).toEqual([]);
  }, 90_000);

  it('requests sent while the fresh server is being set up (its initialize answer is slow) wait for the setup, then go in order', async () => {
    const state = await addRemote('setting-up', 'slow-init');
    const h = await host('setting-up', { roots: { listChanged: true } });
    await echo(h, 'zero');
    sshd.dropConnections();
    await waitFor(() => received(state)[1]?.includes('initialize 0') ?? false, 20_000, () => JSON.stringify(received(state)));
    const calls = Array.from({ length: 6 }, (_, i) => echo(h, `r${i}`));
    await h.client.sendRootsListChanged();
    const results = await Promise.all(calls);
    expect(results.map(textOf)).toEqual(Array.from({ length: 6 }, (_, i) => `r${i} (start 2)`));
    const second = received(state)[1];
    const setupEnd = second.indexOf('notifications/initialized null');
    const firstCall = second.findIndex((l) => l.startsWith('tools/call'));
    expect(setupEnd).toBeGreaterThan(0);
    expect(firstCall).toBeGreaterThan(setupEnd);
    expect(second.filter((l) => l.startsWith('tools/call'))).toHaveLength(6);
    expect(second[second.length - 1]).toBe('notifications/roots/list_changed null');
  }, 60_000);

  it('a request the host cancels while it waits for the remote is never sent to the fresh server', async () => {
    const state = await addRemote('cancelled', 'same');
    const h = await host('cancelled');
    await echo(h, 'zero');
    await takeDown();
    await waitFor(async () => (await sessionsOf('cancelled', true)) === 1, 15_000, () => 'the session is not shown as waiting');
    const abort = new AbortController();
    const doomed = echo(h, 'cancelled by the host', abort.signal);
    doomed.catch(() => {});
    const kept = echo(h, 'kept');
    abort.abort('the user pressed stop');
    await expect(doomed).rejects.toThrow();
    await bringUp();
    expect(textOf(await kept)).toBe('kept (start 2)');
    const calls = received(state)[1].filter((l) => l.startsWith('tools/call'));
    // Only "kept" ran: the tool call the person stopped did not run later on the fresh server.
    expect(calls).toHaveLength(1);
  }, 90_000);

  it('a host that cancels the request that was in flight at the drop (after its error): the fresh server is not sent the stale cancel', async () => {
    const state = await addRemote('stale', 'same');
    const raw = rawHost('stale');
    try {
      await raw.initialize();
      raw.send({ id: 5, method: 'tools/call', params: { name: 'slow', arguments: {}, _meta: { progressToken: 'p5' } } });
      await waitFor(() => raw.out().includes('"progressToken":"p5"'), 20_000, () => raw.out());
      await takeDown();
      await waitFor(() => /"id":5,"error"/.test(raw.out()), 20_000, () => raw.out());
      expect(raw.out()).toMatch(/"id":5,"error":\{"code":-32000,"message":"connection to stale was lost[^"]*being restored/);
      // The host gives up on it anyway, during the outage (as a host with its own timeout does).
      raw.send({ method: 'notifications/cancelled', params: { requestId: 5, reason: 'timed out' } });
      raw.send({ id: 6, method: 'tools/call', params: { name: 'echo', arguments: { message: 'next' } } });
      await bringUp();
      await waitFor(() => /"id":6,"result"/.test(raw.out()), 30_000, () => raw.out());
      expect(received(state)[1]).not.toContain('notifications/cancelled null');
      expect(raw.out().match(/"id":5,/g)).toHaveLength(1);
    } finally {
      raw.kill();
    }
  }, 60_000);

  it('a call with a progress token in flight at the drop: it fails at once, no progress follows it, and a new call gets progress from the fresh server', async () => {
    const state = await addRemote('progressing', 'same');
    const h = await host('progressing');
    const seen: number[] = [];
    const old = h.client.callTool({ name: 'slow', arguments: {} }, undefined, { onprogress: (p) => seen.push(p.progress), timeout: 60_000 });
    old.catch(() => {});
    await waitFor(() => seen.length >= 2, 20_000, () => 'no progress');
    sshd.dropConnections();
    await expect(old).rejects.toThrow(/connection to progressing was lost.*being restored/);
    const afterError = seen.length;
    expect(textOf(await echo(h, 'next'))).toBe('next (start 2)');
    const fresh: number[] = [];
    const abort = new AbortController();
    const next = h.client.callTool({ name: 'slow', arguments: {} }, undefined, { onprogress: (p) => fresh.push(p.progress), signal: abort.signal, timeout: 60_000 });
    next.catch(() => {});
    await waitFor(() => fresh.length >= 2, 20_000, () => 'no progress from the fresh server');
    abort.abort();
    expect(seen.length).toBe(afterError);
    // The host's cancel of the new call reaches the fresh server, which runs it.
    await waitFor(() => received(state)[1].some((l) => l.startsWith('notifications/cancelled')), 10_000, () => JSON.stringify(received(state)[1]));
  }, 60_000);

  it('many requests outlast resumeWaitSec: each fails once, in the order sent, and none is sent later', async () => {
    const state = await addRemote('patient', 'same');
    const h = await host('patient');
    await echo(h, 'zero');
    setResumeWait(2);
    try {
      await takeDown();
      await waitFor(async () => (await sessionsOf('patient', true)) === 1, 15_000, () => 'the session is not shown as waiting');
      const failedAt: string[] = [];
      const calls = Array.from({ length: 12 }, (_, i) =>
        echo(h, `w${i}`).then(
          () => 'answered',
          (e: Error) => {
            failedAt.push(`w${i}`);
            return e.message;
          },
        ),
      );
      const outcomes = await Promise.all(calls);
      for (const o of outcomes) expect(o).toMatch(/patient is still unreachable after 2 s .*the request was not sent: retry later/);
      expect(failedAt).toEqual(Array.from({ length: 12 }, (_, i) => `w${i}`));
    } finally {
      setResumeWait(30);
    }
    await bringUp();
    expect(textOf(await echo(h, 'after'))).toBe('after (start 2)');
    expect(received(state)[1].filter((l) => l.startsWith('tools/call'))).toHaveLength(1);
  }, 90_000);

  it('a host killed during an outage: the session ends at once and starts no server when the remote is back', async () => {
    await addRemote('orphaned', 'same');
    const h = await host('orphaned');
    await echo(h, 'zero');
    await takeDown();
    await waitFor(async () => (await sessionsOf('orphaned', true)) === 1, 15_000, () => 'the session is not shown as waiting');
    process.kill(h.transport.pid!, 'SIGKILL');
    await waitFor(async () => (await sessionsOf('orphaned')) === 0, 10_000, () => 'the session is still listed');
    const logins = sshd.acceptedLogins();
    await bringUp();
    // Longer than the longest pause between reconnect attempts (3 s): a session still trying would have logged in.
    const since = Date.now();
    await waitFor(() => Date.now() - since > 4000, 10_000, () => 'the clock stood still');
    // The pool may warm its connection again (it had sessions at the drop), but the session opens no channel.
    expect(sshd.acceptedLogins() - logins).toBeLessThanOrEqual(1);
    expect(sshd.remoteProcesses(/shifting-mcp-server/)).toEqual([]);
    const id = new RegExp(`session (\\d+): relaying to orphaned`).exec(daemon.stderr())![1];
    const [, afterClose] = daemon.stderr().split(`session ${id}: closed cleanly`);
    expect(afterClose).not.toMatch(new RegExp(`session ${id}:`));
  }, 60_000);

  it('a host that closes stdin during the resume: the session ends and frees everything', async () => {
    const state = await addRemote('leaving', 'slow-init');
    const raw = rawHost('leaving');
    await raw.initialize();
    sshd.dropConnections();
    // The fresh server is being set up (its initialize answer takes 4 s): the host sends a request, then leaves.
    await waitFor(() => received(state)[1]?.includes('initialize 0') ?? false, 20_000, () => JSON.stringify(received(state)));
    raw.send({ id: 7, method: 'tools/call', params: { name: 'echo', arguments: { message: 'late' } } });
    raw.endInput();
    expect(await raw.exited).not.toBeNull();
    // The waiting request got an answer before the end.
    expect(raw.out()).toMatch(/"id":7,"error"/);
    await waitFor(async () => (await sessionsOf('leaving')) === 0, 10_000, () => 'the session is still listed');
    await waitFor(() => sshd.remoteProcesses(/shifting-mcp-server/).length === 0, 15_000, () => 'the fresh server still runs');
    // Once closed, the session does not go on to restore itself.
    const id = /session (\d+): relaying to leaving/.exec(daemon.stderr())![1];
    const [, afterClose] = daemon.stderr().split(`session ${id}: closed cleanly`);
    expect(afterClose).toBeDefined();
    expect(afterClose).not.toMatch(new RegExp(`session ${id}: .*restoring the session`));
  }, 90_000);
});

describe('the catalog cache', () => {
  it('a corrupted or old catalog file: a host starting while the remote is down gets the connection error, the daemon keeps running', async () => {
    await addRemote('cached', 'same');
    {
      const h = await host('cached');
      await h.client.listTools();
      await h.close();
    }
    const file = join(env.BURROW_HOME, 'catalogs', 'cached.json');
    await waitFor(() => existsSync(file), 10_000, () => 'no catalog was written');
    const good = JSON.parse(readFileSync(file, 'utf8')) as { protocolVersion: string };
    await takeDown();
    const older = { ...good, protocolVersion: '2024-11-05', initialize: { ...(good as unknown as { initialize: object }).initialize, protocolVersion: '2024-11-05' } };
    // Cut short; an initialize that is not an object; lists that are not; a consistent file of an older protocol version.
    const variants = ['{"protocolVersion":', JSON.stringify({ ...good, initialize: 'an old format' }), JSON.stringify({ ...good, lists: 'none' }), JSON.stringify(older)];
    for (const variant of variants) {
      writeFileSync(file, variant);
      const error = await connectClient(['--remote', 'cached'], env).then(
        (c) => {
          open.push(c);
          return 'connected';
        },
        (e: Error) => e.message,
      );
      expect(error, variant).toMatch(/refused|127\.0\.0\.1/);
    }
    expect(daemon.child.exitCode).toBeNull();
  }, 90_000);
});

describe('many sessions', () => {
  it('20 sessions on one remote through one drop: all resume on one new login', async () => {
    await addRemote('crowd', 'same');
    const hosts: ConnectedClient[] = [];
    for (let i = 0; i < 20; i++) hosts.push(await host('crowd'));
    await Promise.all(hosts.map((h, i) => echo(h, `before ${i}`)));
    const logins = sshd.acceptedLogins();
    const resumed = resumes('crowd');
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    await waitFor(() => resumes('crowd') - resumed >= 20, 60_000, () => `${resumes('crowd') - resumed} of 20 resumed`);
    const results = await Promise.all(hosts.map((h, i) => echo(h, `after ${i}`)));
    results.forEach((r, i) => expect(textOf(r)).toMatch(new RegExp(`^after ${i} \\(start \\d+\\)$`)));
    expect(sshd.acceptedLogins() - logins).toBe(1);
  }, 180_000);

  it('20 sessions through one drop on an sshd with the default MaxSessions (10): all resume, on as many logins as connections before', async () => {
    const limited = await startSshd({ forcedCommand: null });
    try {
      const state = tempDir('probe-limited', true);
      chmodSync(state, 0o777);
      await addSshdRemote(env, 'limited', limited, ['--command', `${process.execPath} ${SERVER} ${state} same`]);
      const hosts: ConnectedClient[] = [];
      for (let i = 0; i < 20; i++) hosts.push(await host('limited'));
      await Promise.all(hosts.map((h, i) => echo(h, `before ${i}`)));
      const logins = limited.acceptedLogins();
      const resumed = resumes('limited');
      expect(limited.dropConnections()).toBeGreaterThan(0);
      await waitFor(() => resumes('limited') - resumed >= 20, 60_000, () => `${resumes('limited') - resumed} of 20 resumed; ${daemon.stderr().slice(-1500)}`);
      const results = await Promise.all(hosts.map((h, i) => echo(h, `after ${i}`)));
      results.forEach((r, i) => expect(textOf(r)).toMatch(new RegExp(`^after ${i} \\(start \\d+\\)$`)));
      // Ten channels a connection: two connections before the drop, two logins after it.
      expect(logins).toBe(2);
      expect(limited.acceptedLogins() - logins).toBe(2);
    } finally {
      await Promise.allSettled(open.splice(0).map((c) => c.close()));
      limited.stop();
    }
  }, 180_000);
});
