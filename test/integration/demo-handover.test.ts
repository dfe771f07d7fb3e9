import { afterAll, describe, expect, it } from 'vitest';
import { startRuntime, type BurrowRuntime } from '../../electron/core/app-runtime.js';
import { handOverRunningEngine } from '../../electron/core/ipc/engine-discovery.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { startEmbeddedServer, type RunningEmbeddedServer } from '../../electron/core/sshserver/start-embedded.js';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { waitFor } from '../support/device.js';

// `npm start` after an MCP host's `burrow connect` started a background daemon that serves the demo.
const env = burrowEnv();
let daemon: DaemonHandle | undefined;
let runtime: BurrowRuntime | undefined;
let embedded: RunningEmbeddedServer | undefined;
const clients: ConnectedClient[] = [];
const savedHome = process.env.BURROW_HOME;

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => {});
  await daemon?.stop();
  await embedded?.close();
  await runtime?.close();
  if (savedHome === undefined) delete process.env.BURROW_HOME;
  else process.env.BURROW_HOME = savedHome;
});

const echo = async (c: ConnectedClient, text: string) => (await c.client.callTool({ name: 'echo', arguments: { text } })).content;

describe('the tray app taking over from a daemon that serves the demo', () => {
  it('gets the demo on the same port, so the approved host key holds, while the daemon\'s open demo session goes on', async () => {
    daemon = await startDaemon(env, ['--demo']);
    const listed = JSON.parse((await runBurrow(['remote', 'list', '--json'], env)).stdout) as { name: string; port: number }[];
    const port = listed.find((r) => r.name === 'demo')!.port;
    const connecting = connectClient(['--remote', 'demo'], env);
    const fingerprint = await waitFor('the demo host key in the queue', async () => {
      const r = await runBurrow(['hostkeys', 'list', '--json'], env);
      return (JSON.parse(r.stdout) as { pending: { fingerprint: string }[] }).pending[0]?.fingerprint;
    });
    expect((await runBurrow(['hostkeys', 'approve', fingerprint], env)).code).toBe(0);
    const old = await connecting;
    clients.push(old);
    expect(await echo(old, 'before')).toEqual([{ type: 'text', text: 'before' }]);

    // What electron/main.ts does at start: hand over, start its engine, then Burrow's SSH server.
    process.env.BURROW_HOME = env.BURROW_HOME;
    expect(await handOverRunningEngine(5000, env)).toBe(true);
    runtime = await startRuntime({
      home: env.BURROW_HOME,
      logger: silentLogger,
      kind: 'app',
      idleTimeoutMs: 60_000,
      onStopRequest: () => {},
      beforeListening: async (rt) => {
        embedded = await startEmbeddedServer({ home: env.BURROW_HOME, logger: silentLogger, engine: rt.engine, settings: rt.settings, setDevices: (d) => rt.setDevices(d) });
        rt.setEmbedded({ demo: embedded.demo, sshServer: embedded });
      },
    });
    expect(embedded?.demo.server?.port).toBe(port);
    expect(runtime.settings.getRemote('demo')?.port).toBe(port);

    // The daemon's session still runs; a new one reaches the app's demo without asking for the key again.
    expect(await echo(old, 'still here')).toEqual([{ type: 'text', text: 'still here' }]);
    const fresh = await connectClient(['--remote', 'demo'], env);
    clients.push(fresh);
    expect(await echo(fresh, 'after')).toEqual([{ type: 'text', text: 'after' }]);
    expect(runtime.engine.broker.pending()).toEqual([]);
  });
});
