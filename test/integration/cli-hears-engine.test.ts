import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/api.js';
import { UI_EVENTS, type BurrowEvent } from '../../shared/events.js';
import { readDaemonInfo } from '../../electron/core/ipc/daemon-info.js';
import { subscribeToEngine } from '../../electron/core/ipc/event-subscription.js';
import { requestDaemon } from '../../electron/core/ipc/ipc-client.js';
import { burrowEnv, startBurrow as startBurrowIn } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/** `burrow tools` / `burrow call` hear the engine's events on its local socket instead of reading its queue now and then. */
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;

/** What one subscription adds to the engine's bus: every UI event but the relayed messages. */
const PER_SUBSCRIBER = UI_EVENTS.filter((e) => e !== 'traffic').length;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  for (const name of ['quick', 'slow']) await addSshdRemote(env, name, { ...sshd, knownHostsFile: sshd.emptyKnownHostsFile });
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

const startBurrow = (args: string[]) => startBurrowIn(args, env);

const listeners = async () => (await requestDaemon<EngineStatus>('engineStatus', [], env)).eventListeners;

describe('the CLI hears the engine', () => {
  it('says a host key waits as it is queued, even when someone approves it at once, then says it was approved', async () => {
    // Another client approves the key the moment it is queued: only a command that hears the queue sees it at all.
    const approvedHere: string[] = [];
    const approver = await subscribeToEngine((event: BurrowEvent) => {
      if (event.type !== 'approval-added' || event.approval.kind !== 'host-key' || event.approval.remote !== 'quick') return;
      approvedHere.push(event.approval.fingerprint);
      void requestDaemon('answerApproval', [event.approval.id, 'approve-once'], env);
    }, {}, env);
    try {
      const call = startBurrow(['call', 'quick', 'get-sum', 'a=2', 'b=40']);
      expect(await call.done, call.stderr()).toBe(0);
      expect(call.stdout().trim()).toBe('The sum of 2 and 40 is 42.');
      expect(approvedHere).toHaveLength(1);
      const [fingerprint] = approvedHere;
      expect(call.stderr().trim().split('\n')).toEqual([
        `burrow: waiting for approval of the host key of 127.0.0.1:${sshd.port} (quick): ${fingerprint}; approve it in Burrow or run: burrow hostkeys approve ${fingerprint}`,
        `burrow: the host key of 127.0.0.1:${sshd.port} (quick) was approved for this connection; going on`,
      ]);
    } finally {
      approver.close();
    }
  });

  it('a subscription with the wrong token is refused with one line and adds no listener', async () => {
    const before = await listeners();
    const info = readDaemonInfo(env)!;
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect(info.socket);
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
      socket.write(`${JSON.stringify({ v: 2, client: 'test', op: 'subscribe', token: 'not-the-token' })}\n`);
    });
    expect(received.trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ type: 'error', message: 'wrong token (is another Burrow running?)' }]);
    expect(await listeners()).toBe(before);
    // The token from the engine's file is let in.
    const right = await subscribeToEngine(() => {}, {}, env);
    expect(right.pid).toBe(daemon!.child.pid);
    right.close();
  });

  it('a client that goes away, closed or killed mid-wait, leaves no listener behind in the engine', async () => {
    const before = await listeners();
    const sub = await subscribeToEngine(() => {}, {}, env);
    expect(await listeners()).toBe(before + PER_SUBSCRIBER);
    sub.close();
    await waitFor(async () => (await listeners()) === before, 10_000, () => `listeners: ${before} before`);

    // A `burrow tools` waiting for a host key, killed: its subscription ends with it.
    const tools = startBurrow(['tools', 'slow']);
    await waitFor(() => tools.stderr().includes('waiting for approval of the host key'), 20_000, () => `stderr: ${tools.stderr()}`);
    const waiting = await listeners();
    tools.child.kill('SIGKILL');
    await tools.done;
    await waitFor(async () => (await listeners()) === waiting - PER_SUBSCRIBER, 10_000, () => `listeners while it waited: ${waiting}`);
  });

  it('burrow daemon stop, while a command waits on the engine, says "stopped" once the engine has exited; the waiting command ends with one line', { timeout: 60_000 }, async () => {
    // The killed command's key still waits: this one joins that wait, and says so from the queue as it was.
    const tools = startBurrow(['tools', 'slow']);
    await waitFor(() => tools.stderr().includes('waiting for approval of the host key'), 20_000, () => `stderr: ${tools.stderr()}`);
    const exited = new Promise((r) => daemon!.child.once('exit', r));
    let engineExited = false;
    void exited.then(() => (engineExited = true));
    const stop = startBurrow(['daemon', 'stop']);
    let stopCode: number | null | undefined;
    void stop.done.then((c) => (stopCode = c));
    // Its session is the inspector's, Burrow's own: the engine ends it at once rather than waiting out the drain time (30 s).
    await waitFor(() => stopCode !== undefined, 45_000, () => `stop: ${stop.stdout()} ${stop.stderr()} tools: ${tools.stderr()}`, 200);
    expect(await stop.done, stop.stderr()).toBe(0);
    expect(stop.stdout().trim().split('\n').pop()).toBe('stopped');
    await exited;
    expect(engineExited).toBe(true);
    expect(await tools.done).toBe(1);
    const lines = tools.stderr().trim().split('\n');
    expect(lines).toEqual([expect.stringContaining('burrow: waiting for approval of the host key'), 'burrow: cannot open slow: the Burrow engine is stopping']);
  });
});
