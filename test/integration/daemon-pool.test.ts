import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING_COMMAND, startSshd, type SshdFixture } from '../support/sshd.js';
import { burrowEnv, connectClient, INITIALIZE, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemonLab, type DaemonLab } from '../support/daemon.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { startRawHelper, type RawHelper } from '../support/helper-process.js';
import { waitFor } from '../support/wait-for.js';

async function sumThrough(c: ConnectedClient): Promise<string> {
  try {
    const r = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    return JSON.stringify(r.content);
  } catch (error) {
    throw new Error(`${(error as Error).message}; helper stderr: ${c.stderr()}`);
  }
}

describe('burrow daemon: one SSH login shared by many host sessions', () => {
  let lab: DaemonLab;
  let sshd: SshdFixture;
  let env: Record<string, string>;
  beforeAll(async () => {
    lab = await startDaemonLab('pooled');
    ({ sshd, env } = lab);
  });
  afterAll(() => lab?.stop());

  it('three helper sessions in a row use one SSH login', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await connectClient(['--remote', 'pooled'], env);
      expect(await sumThrough(c)).toContain('42');
      await c.close();
    }
    expect(sshd.acceptedLogins()).toBe(1);
  });

  it('ten sessions at once still use that one login', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, () => connectClient(['--remote', 'pooled'], env)));
    const sums = await Promise.all(clients.map(sumThrough));
    expect(sums.every((s) => s.includes('42'))).toBe(true);
    await Promise.all(clients.map((c) => c.close()));
    expect(sshd.acceptedLogins()).toBe(1);
  });

  it('the CLI changes remotes through the running daemon, which serves them at once', async () => {
    await addSshdRemote(env, 'added-live', sshd);
    const list = await runBurrow(['remote', 'list'], env);
    expect(list.stdout).toMatch(new RegExp(`added-live\\s+${sshd.user}@127\\.0\\.0\\.1:\\d+\\s+shell\\s+ask`));
    const c = await connectClient(['--remote', 'added-live'], env);
    expect(await sumThrough(c)).toContain('42');
    await c.close();
    const removed = await runBurrow(['remote', 'remove', 'added-live'], env);
    expect(removed.stdout).toContain('removed remote "added-live"');
    expect((await runBurrow(['remote', 'list'], env)).stdout).not.toContain('added-live');
  });

  it('an unknown remote name is refused with the names that exist', async () => {
    const r = await runBurrow(['connect', '--remote', 'nope'], env, `${INITIALIZE}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('burrow: no remote named "nope" (known remotes: pooled)');
    // The host sees the same words as the error of its initialize, not just a closed pipe.
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 1, error: { message: 'no remote named "nope" (known remotes: pooled)' } });
  });

  it('keeps its socket private: a 0700 folder, and a wrong token is refused', async () => {
    const info = JSON.parse(readFileSync(join(env.BURROW_HOME, 'run', 'daemon.json'), 'utf8'));
    expect(statSync(join(env.BURROW_HOME, 'run')).mode & 0o777).toBe(0o700);
    expect(statSync(join(env.BURROW_HOME, 'run', 'daemon.json')).mode & 0o777).toBe(0o600);
    const reply = await new Promise<string>((resolve) => {
      const s = connect(info.socket);
      let text = '';
      s.on('data', (c) => (text += c.toString()));
      s.on('close', () => resolve(text));
      s.write(`${JSON.stringify({ v: 2, token: 'guess', op: 'connect', remote: 'pooled', client: 'x' })}\n`);
    });
    expect(reply).toContain('wrong token');
  });
});

describe('when the server caps sessions per connection', () => {
  it('opens a second SSH connection for the 11th and 12th sessions (OpenSSH MaxSessions 10)', async () => {
    const lab = await startDaemonLab('busy');
    const { sshd, env } = lab;
    try {
      const clients = await Promise.all(Array.from({ length: 12 }, () => connectClient(['--remote', 'busy'], env)));
      const sums = await Promise.all(clients.map(sumThrough));
      expect(sums.filter((s) => s.includes('42'))).toHaveLength(12);
      expect(sshd.acceptedLogins()).toBe(2);
      await Promise.all(clients.map((c) => c.close()));
    } finally {
      await lab.stop();
    }
  });
});

describe('a dropped connection', () => {
  const helpers: RawHelper[] = [];
  afterAll(() => helpers.forEach((h) => h.kill()));
  it('ends its host sessions with a clear error, then the daemon reconnects by itself', async () => {
    // Resuming off: this is about the session that ends and the daemon reconnecting on its own.
    const lab = await startDaemonLab('flaky', { remoteArgs: ['--no-resume'] });
    const { sshd, env, daemon } = lab;
    try {
      // The helper keeps stdin open as a host does, so only the dropped connection can end its session.
      const helper = startRawHelper(['--remote', 'flaky'], env);
      helpers.push(helper);
      // Drop only once the session is live (its initialize was answered) and the warm spare runs beside it.
      await waitFor(() => helper.stdout().includes('"id":1'), 15_000, () => `no initialize reply; helper stderr: ${helper.stderr()}`);
      await waitFor(() => sshd.remoteProcesses().length === 2, 10_000, () => `MCP servers on the remote: ${sshd.remoteProcesses().length}, want the session's and a spare`);
      expect(sshd.acceptedLogins()).toBe(1);
      expect(sshd.dropConnections()).toBeGreaterThan(0);
      expect(await helper.exited).toBe(1);
      expect(helper.stderr()).toMatch(/burrow: connection to flaky was lost/);
      // Backoff starts at 1 s: the daemon logs in again without any helper asking.
      await expect.poll(() => sshd.acceptedLogins(), { timeout: 10_000 }).toBe(2);
      expect(daemon.stderr()).toMatch(/flaky: reconnecting/);
      const c = await connectClient(['--remote', 'flaky'], env);
      expect(await sumThrough(c)).toContain('42');
      await c.close();
      expect(sshd.acceptedLogins()).toBe(2);
    } finally {
      await lab.stop();
    }
  });
});

describe('no daemon running', () => {
  it('connect --remote starts one in the background and goes through it', async () => {
    const sshd = await startSshd();
    const env = burrowEnv();
    await addSshdRemote(env, 'auto', sshd);
    try {
      const c = await connectClient(['--remote', 'auto'], env);
      expect(await sumThrough(c)).toContain('42');
      await c.close();
      const info = JSON.parse(readFileSync(join(env.BURROW_HOME, 'run', 'daemon.json'), 'utf8'));
      expect(() => process.kill(info.pid, 0)).not.toThrow();
      process.kill(info.pid, 'SIGTERM');
    } finally {
      sshd.stop();
    }
  });

  it('says exactly why it cannot start one', async () => {
    const env = burrowEnv();
    // The settings file is not JSON: the daemon refuses to start, and the helper relays its reason.
    writeFileSync(join(env.BURROW_HOME, 'settings.json'), '{ not json');
    const r = await runBurrow(['connect', '--remote', 'any'], env, `${INITIALIZE}\n`);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^burrow: could not start the Burrow daemon: .*settings/);
  });
});

describe('a warm daemon starts the next MCP server ahead of time', () => {
  // The forced command puts each remote server's pid in its environment ($$ is the shell's, which exec keeps);
  // get-env shows it to the client. A pid, not a start time: the spare starts a few ms after the first server,
  // often in the same millisecond, and two equal stamps made the first server look as if it never ended.
  const pidServer = `export SERVER_PID=$$; exec ${EVERYTHING_COMMAND}`;

  /** The pid of each MCP server process running on the remote now. */
  const runningPids = (sshd: SshdFixture) => sshd.remoteProcesses().map((p) => p.pid);

  /** The pid of the server a new session gets, as that server reports it. */
  async function serverPid(env: Record<string, string>): Promise<number> {
    const c = await connectClient(['--remote', 'stamped'], env);
    try {
      const result = await c.client.callTool({ name: 'get-env', arguments: {} });
      const text = (result.content as { text: string }[])[0].text;
      return Number(JSON.parse(text.slice(text.indexOf('{'))).SERVER_PID);
    } finally {
      await c.close();
    }
  }

  it.each([
    ['the next session gets a server that was already running', [], true],
    ['--no-prestart starts each server when its session asks', ['--no-prestart'], false],
  ] as const)('%s', async (_name, flags, prestarted) => {
    const lab = await startDaemonLab('stamped', { sshd: { forcedCommand: pidServer }, daemonArgs: [...flags] });
    const { sshd, env } = lab;
    try {
      const first = await serverPid(env);
      expect(first).toBeGreaterThan(0);
      // The first session's server has ended; with prestart a spare started during that session runs on, without none does.
      const settled = () => !runningPids(sshd).includes(first) && runningPids(sshd).length === (prestarted ? 1 : 0);
      await waitFor(settled, 10_000, () => `MCP servers on the remote: pids ${JSON.stringify(runningPids(sshd))} (first: ${first})`);
      const runningBefore = runningPids(sshd);
      const second = await serverPid(env);
      // The very process that was running before the session asked: it paid no server start-up.
      expect(runningBefore.includes(second)).toBe(prestarted);
      expect(second).not.toBe(first);
      expect(sshd.acceptedLogins()).toBe(1);
    } finally {
      await lab.stop();
    }
  });
});
