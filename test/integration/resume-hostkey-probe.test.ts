import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { keyFingerprint } from '../support/key-fingerprint.js';
import { startClient, startRawHelper, type WaitingClient } from '../support/helper-process.js';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/**
 * Probes where the two new features meet: a host key approved after its handshake was closed (ask), and a session
 * that resumes on a new connection. Real sshd (its own, unknown key), the daemon, the SDK Client as host.
 */
let sshd: SshdFixture;
let fingerprint: string;
const daemons: DaemonHandle[] = [];
const clients: WaitingClient[] = [];

beforeAll(async () => {
  sshd = await startSshd({ extraConfig: ['LoginGraceTime 3'] });
  fingerprint = keyFingerprint(`${sshd.hostKeyFile}.pub`);
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  if (!runningSshd()) await sshd.restart();
});
afterAll(async () => {
  for (const d of daemons) await d.stop();
  sshd?.stop();
});

function runningSshd(): boolean {
  try {
    process.kill(Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** A daemon with remote `box` on the test sshd, whose key nothing knows yet (policy ask, the default). */
async function setUp(settings: object = {}): Promise<{ env: Record<string, string>; daemon: DaemonHandle }> {
  const env = burrowEnv();
  writeFileSync(join(env.BURROW_HOME, 'settings.json'), JSON.stringify({ remotes: [], ...settings }));
  const daemon = await startDaemon(env, ['--log-level', 'info', '--no-prestart']);
  daemons.push(daemon);
  await addSshdRemote(env, 'box', { ...sshd, knownHostsFile: sshd.emptyKnownHostsFile }, ['--command', EVERYTHING_COMMAND]);
  return { env, daemon };
}

const approvalsAsked = (c: WaitingClient) => (c.stderr().match(/waiting for approval of the host key/g) ?? []).length;

async function pending(env: Record<string, string>): Promise<number> {
  const list = await runBurrow(['hostkeys', 'list', '--json'], env);
  return (JSON.parse(list.stdout) as { pending: unknown[] }).pending.length;
}

async function sum(c: WaitingClient): Promise<string> {
  const r = await c.client.callTool({ name: 'get-sum', arguments: { a: 40, b: 2 } }, undefined, { timeout: 60_000 });
  return JSON.stringify(r.content);
}

/** A host on box whose key waits, answered with `burrow hostkeys approve [--once]`; connected and answering. */
async function connectApproved(env: Record<string, string>, approve: string[]): Promise<WaitingClient> {
  const c = startClient(['--remote', 'box'], env);
  clients.push(c);
  await waitFor(async () => (await pending(env)) === 1, 20_000, () => c.stderr());
  expect((await runBurrow(['hostkeys', 'approve', ...approve, fingerprint], env)).code).toBe(0);
  await c.connected;
  expect(await sum(c)).toContain('42');
  return c;
}

describe('an approved key and a resume', () => {
  it('approved, then the connection after the approval meets sshd down: the host gets one clear line; sshd back, a new host is not asked again', async () => {
    const { env } = await setUp();
    const helper = startRawHelper(['--remote', 'box'], env);
    try {
      await waitFor(async () => (await pending(env)) === 1, 20_000, () => helper.stderr());
      sshd.stop();
      await waitFor(() => !runningSshd(), 10_000, () => 'sshd still runs');
      const approved = await runBurrow(['hostkeys', 'approve', fingerprint], env);
      expect(approved.code, approved.stderr).toBe(0);
      expect(await helper.exited).not.toBe(0);
      const answer = JSON.parse(helper.stdout().trim().split('\n')[0]) as { id: number; error: { message: string } };
      expect(answer.id).toBe(1);
      expect(answer.error.message).toMatch(new RegExp(`^connection refused by 127\\.0\\.0\\.1:${sshd.port}`));
      expect(answer.error.message).not.toMatch(/\n/);
    } finally {
      helper.kill();
    }
    await sshd.restart();
    const next = startClient(['--remote', 'box'], env);
    clients.push(next);
    await next.connected;
    expect(await sum(next)).toContain('42');
    expect(next.stderr()).not.toMatch(/waiting for approval/);
  }, 90_000);

  it('approved ("approve"): a resume on a new connection is not asked about again', async () => {
    const { env, daemon } = await setUp();
    const c = await connectApproved(env, []);
    const logins = sshd.acceptedLogins();
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    await waitFor(() => /resumed on a fresh server of box/.test(daemon.stderr()), 30_000, () => daemon.stderr().slice(-2000));
    expect(await sum(c)).toContain('42');
    expect(sshd.acceptedLogins()).toBe(logins + 1);
    expect(approvalsAsked(c)).toBe(1);
  }, 90_000);

  it('approved once ("approve-once"): the resume after a drop asks again, and the session goes on once answered', async () => {
    const { env, daemon } = await setUp();
    const c = await connectApproved(env, ['--once']);
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    // "Once" is one connection: the one after the drop is a new question, shown to the host as its status.
    await waitFor(async () => (await pending(env)) === 1, 20_000, () => daemon.stderr().slice(-2000));
    const during = sum(c);
    expect((await runBurrow(['hostkeys', 'approve', '--once', fingerprint], env)).code).toBe(0);
    expect(await during).toContain('42');
    expect(approvalsAsked(c)).toBe(2);
  }, 90_000);

  it('approved once, and nobody answers the question the resume asks: a waiting request says why, then the session ends with the timeout', async () => {
    const { env } = await setUp({ approvalTimeoutSec: 6, resumeWaitSec: 2 });
    const c = await connectApproved(env, ['--once']);
    let closed = false;
    c.client.onclose = () => (closed = true);
    expect(sshd.dropConnections()).toBeGreaterThan(0);
    await waitFor(async () => (await pending(env)) === 1, 20_000, () => c.stderr());
    const waited = await sum(c).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    expect(waited).toMatch(/box is still unreachable after 2 s \(waiting for approval of the host key of \[127\.0\.0\.1\]:\d+: ED25519 SHA256:\S+;/);
    await waitFor(() => closed, 20_000, () => c.stderr());
    expect(c.stderr()).toMatch(/The host key of \[127\.0\.0\.1\]:\d+ was not approved within 6 s/);
  }, 90_000);
});
