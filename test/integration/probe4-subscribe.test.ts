import { statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/api.js';
import { UI_EVENTS } from '../../shared/events.js';
import { readDaemonInfo } from '../../electron/core/ipc/daemon-info.js';
import { subscribeToEngine } from '../../electron/core/ipc/event-subscription.js';
import { requestDaemon } from '../../electron/core/ipc/ipc-client.js';
import { tokenPath } from '../../electron/core/paths.js';
import { connectClient, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemonLab, type DaemonHandle, type DaemonLab } from '../support/daemon.js';
import { waitFor } from '../support/wait-for.js';

/** Probe 2026-12-02: hostile or careless clients of the engine's `subscribe` connection. */
let lab: DaemonLab | undefined;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;
let host: ConnectedClient | undefined;

beforeAll(async () => {
  lab = await startDaemonLab();
  ({ env, daemon } = lab);
});

afterAll(async () => {
  await host?.close();
  await lab?.stop();
});

const listeners = async () => (await requestDaemon<EngineStatus>('engineStatus', [], env)).eventListeners;
const PER_SUBSCRIBER = UI_EVENTS.filter((e) => e !== 'traffic').length;

/** A raw client of the socket: writes `lines`, collects everything it is sent, until the engine closes it. */
function rawClient(lines: string[]): { socket: Socket; text: () => string; closed: Promise<void> } {
  const socket = connect(readDaemonInfo(env)!.socket);
  let text = '';
  socket.on('data', (c: Buffer) => (text += c.toString()));
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  for (const line of lines) socket.write(line);
  return { socket, text: () => text, closed };
}
const hello = (extra: Record<string, unknown>) => `${JSON.stringify({ v: 2, client: 'probe4', op: 'subscribe', token: readDaemonInfo(env)!.token, ...extra })}\n`;

describe('probe4: the subscribe connection against careless and hostile clients', () => {
  it('a hello of the wrong type is refused with one line; extra fields are ignored; garbage after the hello changes nothing', async () => {
    const before = await listeners();
    const wrong = rawClient([hello({ traffic: 'yes' })]);
    await wrong.closed;
    expect(wrong.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ type: 'error', message: 'malformed hello: traffic' }]);

    for (const [extra, message] of [[{ token: undefined }, 'malformed hello: no token'], [{ token: 42 }, 'malformed hello: no token'], [{ v: '2' }, 'unsupported protocol version "2" (this Burrow speaks 2: are two versions installed?)']] as const) {
      const bad = rawClient([hello(extra)]);
      await bad.closed;
      expect(bad.text().trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ type: 'error', message }]);
    }

    const odd = rawClient([hello({ extra: { deep: [1, 2] }, method: 'stopEngine', params: [] }), 'garbage\u0000\n{"op":"request","method":"stopEngine"}\n', 'x'.repeat(200_000)]);
    await waitFor(() => odd.text().includes('"subscribed"'), 5000, () => odd.text());
    expect(JSON.parse(odd.text().split('\n')[0]!)).toEqual({ type: 'subscribed', pid: daemon!.child.pid });
    expect(await listeners()).toBe(before + PER_SUBSCRIBER);
    // The engine still runs and answers (nothing after the hello was taken as a command).
    await requestDaemon('setPaused', [true], env);
    await requestDaemon('setPaused', [false], env);
    await waitFor(() => odd.text().includes('"paused-changed"'), 5000, () => odd.text());
    odd.socket.destroy();
    await waitFor(async () => (await listeners()) === before, 10_000, () => 'listeners back');
  });

  it('the token file and the socket are the user’s alone: another local user cannot read the token or reach the socket', () => {
    const info = readDaemonInfo(env)!;
    for (const path of [dirname(info.socket), tokenPath(env), dirname(tokenPath(env))]) expect(statSync(path).mode & 0o077, path).toBe(0);
    // Connecting to a Unix socket takes write permission on it: no one else has it (and its folder is 0700).
    expect(statSync(info.socket).mode & 0o022).toBe(0);
  });

  it('100 subscribers at once all hear the same event, and leave no listener when they go', async () => {
    const before = await listeners();
    const heard: number[] = [];
    const subs = await Promise.all(Array.from({ length: 100 }, (_, i) => subscribeToEngine((e) => e.type === 'paused-changed' && heard.push(i), {}, env)));
    expect(await listeners()).toBe(before + 100 * PER_SUBSCRIBER);
    await requestDaemon('setPaused', [true], env);
    await requestDaemon('setPaused', [false], env);
    await waitFor(() => heard.length === 200, 10_000, () => `heard ${heard.length}`);
    for (const s of subs) s.close();
    await waitFor(async () => (await listeners()) === before, 10_000, () => 'listeners back');
  });

  it('a subscriber that reads keeps its subscription through a flood of relayed messages, and hears every state', { timeout: 60_000 }, async () => {
    const before = await listeners();
    let traffic = 0;
    const paused: boolean[] = [];
    const sub = await subscribeToEngine((e) => {
      if (e.type === 'traffic') traffic++;
      if (e.type === 'paused-changed') paused.push(e.paused);
    }, { traffic: true }, env);
    const flood = await connectClient(['--remote', 'lab'], env);
    try {
      const big = 'z'.repeat(200_000);
      for (let i = 0; i < 20; i++) await flood.client.callTool({ name: 'echo', arguments: { message: big } });
      await requestDaemon('setPaused', [true], env);
      await requestDaemon('setPaused', [false], env);
      await waitFor(() => paused.length === 2, 10_000, () => `paused events: ${paused.join()}`);
      // Relayed messages are heard, but not necessarily all 40: while a subscriber is more than 1 MB behind it loses
      // relayed messages by design (never states), and each call here is ~0.4 MB of events. Since the helper hands its
      // stdio to the engine, the relay can outrun this test's own reading for a moment.
      expect(traffic).toBeGreaterThan(0);
      expect(await listeners()).toBe(before + PER_SUBSCRIBER + 1);
    } finally {
      await flood.close();
      sub.close();
    }
  });

  it('a subscriber that never reads is let go once it stays behind, instead of the engine buffering its events without bound', { timeout: 120_000 }, async () => {
    const before = await listeners();
    const stuck = rawClient([hello({ traffic: true })]);
    await waitFor(() => stuck.text().includes('"subscribed"'), 5000, () => stuck.text());
    // It stops reading, as a `burrow` stopped with Ctrl+Z does.
    stuck.socket.pause();
    host = await connectClient(['--remote', 'lab'], env);
    const big = 'y'.repeat(200_000);
    // Relayed messages fill its backlog past what the engine keeps for traffic.
    for (let i = 0; i < 20; i++) await host.client.callTool({ name: 'echo', arguments: { message: big } });
    // States still come: each one adds to what the engine holds for it, until the engine gives up on it.
    const deadline = Date.now() + 90_000;
    let gone = false;
    while (!gone && Date.now() < deadline) {
      await requestDaemon('setPaused', [true], env);
      await requestDaemon('setPaused', [false], env);
      gone = (await listeners()) === before;
      if (!gone) await new Promise((r) => setTimeout(r, 1000));
    }
    expect(gone, 'the stuck subscriber still holds its listeners').toBe(true);
    expect(daemon!.stderr()).toContain('stopped reading its events');
    stuck.socket.destroy();
  });
});
