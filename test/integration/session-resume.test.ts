import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { descendants } from '../support/run-state.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { sshdMasterPid, takeSshdDown } from '../support/sshd-outage.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { toolResultText } from '../support/tool-result-text.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Host sessions that outlive their connection (issue 14), as a host holds one open for hours: the SDK's Client on
 * `burrow connect --remote NAME` against a real daemon and sshd, and faults made the way they happen.
 */
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle;
const open: ConnectedClient[] = [];

// The server runs under a shell that outlives it, so killing the server makes the remote command exit with 3.
const CRASHING_COMMAND = `${EVERYTHING_COMMAND}; exit 3`;

/** The settings file as the daemon reads it on each use: `resumeWaitSec` can change while it runs. */
function setResumeWait(seconds: number): void {
  const file = join(env.BURROW_HOME, 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  writeFileSync(file, JSON.stringify({ ...settings, resumeWaitSec: seconds }));
}

/** A host on `burrow connect --remote NAME`, counting the `initialize` requests it sends. */
async function host(remote: string): Promise<ConnectedClient & { initializes: () => number }> {
  const connected = await connectClient(['--remote', remote], env);
  let initializes = 1; // the one `connect` sent and awaited
  const send = connected.transport.send.bind(connected.transport);
  connected.transport.send = (message) => {
    if ('method' in message && message.method === 'initialize') initializes++;
    return send(message);
  };
  open.push(connected);
  return { ...connected, initializes: () => initializes };
}

function echo(client: Client, text: string): Promise<CallToolResult> {
  return client.callTool({ name: 'echo', arguments: { message: text } }) as Promise<CallToolResult>;
}

/** A long call, resolved once the server has started working on it (its first progress), so it is in flight. */
async function callInFlight(client: Client): Promise<{ call: Promise<unknown> }> {
  let progressed = false;
  const call = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 20, steps: 20 } }, undefined, { onprogress: () => (progressed = true), timeout: 60_000 });
  call.catch(() => {});
  await waitFor(() => progressed, 30_000, () => 'the long call never reported progress');
  return { call };
}

/** The remote is down: sshd stops listening and every live connection is cut. */
async function takeDown(): Promise<void> {
  await takeSshdDown(sshd);
  up = false;
}

let up = true;
async function bringUp(): Promise<void> {
  if (up) return;
  await sshd.restart();
  up = true;
}

/** The `session` states in the audit log for a remote, oldest first. */
function auditedSessionStates(remote: string): string[] {
  const dir = join(env.BURROW_HOME, 'logs');
  return readdirSync(dir)
    .filter((f) => f.startsWith('audit-'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as { event: string; remote?: string; state?: string })
    .filter((e) => e.event === 'session' && e.remote === remote)
    .map((e) => e.state!);
}

async function sessionsWaitingFor(remote: string): Promise<number> {
  const r = await runBurrow(['status', '--json'], env);
  const status = JSON.parse(r.stdout) as { sessions: { waitingFor?: string }[] };
  return status.sessions.filter((s) => s.waitingFor === remote).length;
}

beforeAll(async () => {
  sshd = await startSshd({ forcedCommand: null });
  env = burrowEnv();
  await addSshdRemote(env, 'lab', sshd, ['--command', CRASHING_COMMAND]);
  await addSshdRemote(env, 'fixed', sshd, ['--command', CRASHING_COMMAND, '--no-resume']);
  daemon = await startDaemon(env, ['--no-prestart']);
});

// Each test's hosts end with it, so the next test's faults meet only its own sessions.
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
  await bringUp();
});

afterAll(async () => {
  await Promise.allSettled(open.map((c) => c.close()));
  await daemon?.stop();
  sshd?.stop();
});

describe('a host session survives a dropped connection', () => {
  it('a call in flight fails with "being restored"; the next call on the same client succeeds, with no new initialize', async () => {
    const h = await host('lab');
    // The host reads the catalog: it is cached for a later session that starts while the remote is down.
    const tools = await h.client.listTools();
    expect(tools.tools.some((t) => t.name === 'echo')).toBe(true);
    const logins = sshd.acceptedLogins();

    const { call } = await callInFlight(h.client);
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    await expect(call).rejects.toThrow(/connection to lab was lost.*being restored/);

    const result = await echo(h.client, 'after the drop');
    expect(toolResultText(result)).toContain('after the drop');
    expect(h.initializes()).toBe(1);
    // A new login and a fresh server stand behind the same session.
    expect(sshd.acceptedLogins()).toBe(logins + 1);
    expect(daemon.stderr()).toMatch(/resumed on a fresh server of lab/);
    // The audit log marks the outage and the resume.
    const states = auditedSessionStates('lab');
    expect(states).toEqual(expect.arrayContaining(['waiting', 'resumed']));
  }, 90_000);

  it('the remote is down for 10 s: calls wait (up to resumeWaitSec) and then succeed; a subscription made before still delivers updates', async () => {
    const h = await host('lab');
    const uri = 'demo://resource/static/document/architecture.md';
    const updates: string[] = [];
    h.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await h.client.subscribeResource({ uri });
    await echo(h.client, 'before');

    await takeDown();
    const downAt = Date.now();
    await waitFor(async () => (await sessionsWaitingFor('lab')) >= 1, 15_000, () => 'no session of lab is shown as waiting');
    // A request that waits longer than resumeWaitSec fails clearly instead of hanging.
    setResumeWait(1);
    await expect(echo(h.client, 'too long')).rejects.toThrow(/lab is still unreachable after 1 s.*not sent/);
    setResumeWait(30);
    const during = echo(h.client, 'during the outage');
    // sshd comes back after 10 s; the waiting call goes through then.
    await waitFor(() => Date.now() - downAt >= 10_000, 15_000, () => 'the clock stood still');
    await bringUp();
    const result = await during;
    expect(toolResultText(result)).toContain('during the outage');
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(10_000);
    expect(h.initializes()).toBe(1);

    // The fresh server knows of the subscription only because Burrow made it again: its updates reach the host.
    updates.length = 0;
    await h.client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await waitFor(() => updates.includes(uri), 20_000, () => `no notifications/resources/updated after the outage (got ${JSON.stringify(updates)})`);
  }, 120_000);

  it('the remote server crashes (exits non-zero) mid-session: resumed the same way', async () => {
    const h = await host('lab');
    await echo(h.client, 'before');
    const { call } = await callInFlight(h.client);
    const servers = sshd.remoteProcesses();
    expect(servers.length).toBeGreaterThan(0);
    for (const s of servers) process.kill(s.pid, 'SIGKILL');
    await expect(call).rejects.toThrow(/exited with code 3.*being restored/);
    const result = await echo(h.client, 'after the crash');
    expect(toolResultText(result)).toContain('after the crash');
    expect(h.initializes()).toBe(1);
  }, 90_000);

  it('a host that starts while the remote is down is answered from the cached catalog, then switches to the real server', async () => {
    const before = await (await host('lab')).client.listTools();
    await takeDown();
    {
      const h = await host('lab');
      const cached = await h.client.listTools();
      expect(cached.tools.map((t) => t.name)).toEqual(before.tools.map((t) => t.name));
      const failed = await echo(h.client, 'while down');
      expect(failed.isError, `${JSON.stringify(failed)}\n${daemon.stderr().slice(-3000)}`).toBe(true);
      expect(toolResultText(failed)).toMatch(/^lab is unreachable; retrying/);
      await waitFor(async () => (await sessionsWaitingFor('lab')) >= 1, 15_000, () => 'no session of lab is shown as waiting');
      const status = await runBurrow(['status'], env);
      expect(status.stdout).toMatch(/waiting for lab/);

      await bringUp();
      let last: CallToolResult | undefined;
      await waitFor(
        async () => {
          last = await echo(h.client, 'back');
          return !last.isError;
        },
        30_000,
        () => `the call still fails: ${last ? toolResultText(last) : 'no answer'}`,
        500,
      );
      expect(toolResultText(last!)).toContain('back');
      expect(h.initializes()).toBe(1);
    }
  }, 120_000);
});

describe('waking up', () => {
  it('after the machine sleeps, a connection that died silently meanwhile is noticed at once, not when keepalives run out', async () => {
    const h = await host('lab');
    await echo(h.client, 'before');
    const master = sshdMasterPid(sshd);
    // The connection dies without a word (as behind a NAT that forgot it): its sshd processes stop answering.
    const frozen = descendants(master);
    expect(frozen.length).toBeGreaterThan(0);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      // The machine sleeps: the engine's timers stand still for longer than the detector's threshold (15 s).
      const daemonPid = daemon.child.pid!;
      process.kill(daemonPid, 'SIGSTOP');
      const asleepAt = Date.now();
      await waitFor(() => Date.now() - asleepAt >= 21_000, 30_000, () => 'the clock stood still');
      process.kill(daemonPid, 'SIGCONT');
      const wokeAt = Date.now();
      // Keepalives (15 s x 3) would take most of a minute; the wake check drops the dead connection within seconds.
      const sent = echo(h.client, 'sent on the dead connection').then(() => undefined, (e: Error) => e);
      const error = await Promise.race([sent, new Promise<string>((r) => setTimeout(() => r('still waiting'), 15_000))]);
      expect(String(error)).toMatch(/being restored/);
      expect(Date.now() - wokeAt).toBeLessThan(15_000);
      expect(daemon.stderr()).toMatch(/woke up/);
      const result = await echo(h.client, 'after the wake');
      expect(toolResultText(result)).toContain('after the wake');
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  }, 120_000);
});

describe('resuming turned off for a remote', () => {
  it('a dropped connection ends the session with the clear error, as before', async () => {
    const h = await host('fixed');
    await echo(h.client, 'before');
    let closed = false;
    h.client.onclose = () => (closed = true);
    const { call } = await callInFlight(h.client);
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    const error = await call.then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/connection to fixed was lost/);
    expect(error?.message).not.toMatch(/being restored/);
    await waitFor(() => closed, 15_000, () => `the session did not end; stderr: ${h.stderr()}`);
    expect(h.stderr()).toMatch(/connection to fixed was lost/);
  }, 90_000);
});

describe('a host whose initialize is over 256 KB', () => {
  it('is relayed as it arrives to a spare server, named in status, and its session resumed after a drop', async () => {
    // A daemon that keeps a spare server: the second session's channel is open before the helper's first bytes,
    // so its initialize takes the path of long lines, relayed in pieces rather than read whole.
    const spareEnv = burrowEnv();
    await addSshdRemote(spareEnv, 'lab', sshd, ['--command', CRASHING_COMMAND]);
    const spareDaemon = await startDaemon(spareEnv);
    try {
      const first = await connectClient(['--remote', 'lab'], spareEnv);
      open.push(first);
      await waitFor(() => sshd.remoteProcesses().length === 2, 15_000, () => `servers on the remote: ${sshd.remoteProcesses().length}, want the session's and a spare`);
      // Capabilities this large are unusual, but nothing in MCP forbids them.
      const big = await connectClient(['--remote', 'lab'], spareEnv, { experimental: { blob: { data: 'x'.repeat(300_000) } } });
      open.push(big);
      const status = JSON.parse((await runBurrow(['status', '--json'], spareEnv)).stdout) as { sessions: { client?: string }[] };
      expect(status.sessions.map((s) => s.client)).toEqual(['burrow-test', 'burrow-test']);

      const { call } = await callInFlight(big.client);
      expect(sshd.dropConnections()).toBeGreaterThan(0);
      await expect(call).rejects.toThrow(/connection to lab was lost.*being restored/);
      const result = await echo(big.client, 'after the drop');
      expect(toolResultText(result)).toContain('after the drop');
      expect(spareDaemon.stderr()).toMatch(/resumed on a fresh server of lab/);
    } finally {
      await Promise.allSettled(open.splice(0).map((c) => c.close()));
      await spareDaemon.stop();
    }
  }, 90_000);
});
