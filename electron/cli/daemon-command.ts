import { randomBytes } from 'node:crypto';
import type { CommandResult } from '../../shared/commands.js';
import { startRuntime, type BurrowRuntime } from '../core/app-runtime.js';
import { growHeapForRelaying } from '../core/engine-heap.js';
import { findRunningEngine, stopRunningEngine } from '../core/ipc/engine-discovery.js';
import { requestDaemon } from '../core/ipc/ipc-client.js';
import { createLogger, dailyFileSink, parseLogLevel, stderrSink, type Logger } from '../core/logging/logger.js';
import { burrowHome, logDir } from '../core/paths.js';
import type { RunningEmbeddedServer } from '../core/sshserver/start-embedded.js';
import { parseCommandArgs, parsePort } from './cli-args.js';
import { processAlive } from '../core/process-alive.js';

const HELP = `usage: burrow daemon [--ui] [--ui-port N] [--idle-timeout SECONDS] [--no-prestart] [--log-level LEVEL]
                     [--listen [ADDR:]PORT] [--demo]
       burrow daemon stop

Runs Burrow's engine without the tray app: one pooled SSH connection per remote,
a private local socket for "burrow connect --remote NAME", and a log file in ${logDir()}.
When an engine runs already (a daemon a helper started, or the tray app), --ui asks it to
serve its web UI and prints the address instead of starting a second engine.
--listen runs Burrow's SSH server for edge devices (ssh -N -R PORT:localhost:22 burrow@THIS_MACHINE -p PORT;
see burrow devices; without it, the address the tray app's switch remembered); --demo serves the demo remote
"demo" on it (or on 127.0.0.1 alone), as every start does once the demo remote is saved.
"stop" asks the running engine to stop: open sessions finish first (30 s at most).`;

/** How long a stopping engine lets open sessions finish before ending them with a clear error. */
const DRAIN_MS = 30_000;
const SIGNAL_DRAIN_MS = 1000;

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'stop') return stopCommand(args.slice(1));
  const { values } = parseCommandArgs('daemon', args, {
    ui: { type: 'boolean' },
    'ui-port': { type: 'string' },
    'idle-timeout': { type: 'string' },
    'no-prestart': { type: 'boolean' },
    'log-level': { type: 'string' },
    listen: { type: 'string' },
    demo: { type: 'boolean' },
    background: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, false);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const level = parseLogLevel(values['log-level'] ?? 'info');
  // Started by a helper: stderr is a start-up log only; everything else goes to the daily file.
  const sinks = [dailyFileSink(logDir(), level, 'daemon')];
  if (!values.background) sinks.push(stderrSink(level, 'burrow daemon'));
  const logger = createLogger(sinks);

  const running = await findRunningEngine();
  if (running) {
    if (values.ui) {
      // Attach: the running engine serves its UI; nothing else starts.
      const { url } = await requestDaemon<{ url: string }>('openUi', []);
      process.stdout.write(`a Burrow engine is running already (pid ${running.pid}); its UI:\nBurrow UI: ${url}\n`);
      return 0;
    }
    process.stderr.write(`burrow: a Burrow engine is running already (pid ${running.pid}, socket ${running.socket}); "burrow daemon stop" stops it, "burrow ui" opens its UI\n`);
    return values.background ? 0 : 1;
  }

  // Flags win for this run; without them the saved settings (Settings screen) apply.
  const idleSec = values['idle-timeout'] === undefined ? undefined : Number(values['idle-timeout']);
  const uiPort = values['ui-port'] === '0' ? 0 : parsePort(values['ui-port'], '--ui-port', 0);
  let stopping = false;
  let ui: Promise<string> | undefined;
  let embedded: RunningEmbeddedServer | undefined;
  // Asked to stop: sessions may finish (30 s); a signal stops promptly, their hosts get a clear error.
  const stop = async (drainMs: number) => {
    if (stopping) return;
    stopping = true;
    logger.info(`stopping: letting ${runtime.engine.sessions.count()} open session(s) finish`);
    await runtime.drain(drainMs);
    await embedded?.close();
    await runtime.close();
    process.exit(0);
  };
  growHeapForRelaying();
  const runtime: BurrowRuntime = await startRuntime({
    home: burrowHome(),
    logger,
    kind: 'daemon',
    idleTimeoutMs: idleSec === undefined ? undefined : idleSec * 1000,
    prestart: values['no-prestart'] ? false : undefined,
    onStopRequest: () => void stop(DRAIN_MS),
    // Before the socket goes: the tray app taking over finds the demo's (and the devices') ports free.
    onHandOver: () => embedded?.stopListening(),
    openUi: () => (ui ??= serveUi(runtime, logger, uiPort)),
    // Always: the first screen offers the demo, and what earlier starts left on (the demo, the devices' switch) comes back.
    beforeListening: async (rt) => {
      const { startEmbeddedServer } = await import('../core/sshserver/start-embedded.js');
      embedded = await startEmbeddedServer({ home: burrowHome(), logger, engine: rt.engine, settings: rt.settings, setDevices: (d) => rt.setDevices(d), listen: values.listen, demo: values.demo });
      rt.setEmbedded({ demo: embedded.demo, sshServer: embedded });
    },
  });
  if (!embedded) throw new Error('Burrow SSH server was not set up');
  if (embedded.server || embedded.demo.server) process.stdout.write(`${embedded.banner}\n`);
  if (values.ui) {
    process.stdout.write(`Burrow UI: ${await (ui ??= serveUi(runtime, logger, uiPort))}\n`);
    if (embedded.demo.shouldOffer()) process.stdout.write('No remote is saved yet: open the UI and click "Add the demo remote" to try Burrow, or "Add remote" for a machine of your own\n');
  }
  process.on('SIGINT', () => void stop(SIGNAL_DRAIN_MS));
  process.on('SIGTERM', () => void stop(SIGNAL_DRAIN_MS));
  runtime.engine.events.on('connection-state', (e) => logger.info(`${e.remote}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`));
  return new Promise<number>(() => {});
}

/** Serves the web UI on 127.0.0.1 with a token of its own, and publishes its address. */
async function serveUi(runtime: BurrowRuntime, logger: Logger, port: number): Promise<string> {
  const { startWebUi } = await import('../core/web/web-ui-server.js');
  // Its own secret: the UI's URL ends up in browser history, and must not also open the helpers' socket.
  const token = randomBytes(32).toString('base64url');
  const url = await startWebUi({ commands: runtime.commands, logger, port, token });
  runtime.setUiUrl(url);
  return url;
}

async function stopCommand(args: string[]): Promise<number> {
  parseCommandArgs('daemon stop', args, {}, false);
  const running = await findRunningEngine();
  if (!running) {
    process.stdout.write('no Burrow engine is running\n');
    return 0;
  }
  const open = await openSessionCount();
  const waitFor = open > 0 ? `; waiting for ${open} open session${open === 1 ? '' : 's'} to finish (${DRAIN_MS / 1000} s at most)` : '';
  process.stdout.write(`stopping the Burrow engine (pid ${running.pid})${waitFor}\n`);
  const deadline = Date.now() + DRAIN_MS + 5000;
  if (!(await stopRunningEngine(DRAIN_MS + 5000))) throw new Error(`the Burrow engine (pid ${running.pid}) did not stop; end it with: kill ${running.pid}`);
  // It has closed its last connection; "stopped" means the process itself has ended, a moment later. Node can
  // wait on no process it did not start, so its pid is looked at until then (only its last clean-up is left).
  while (processAlive(running.pid)) {
    if (Date.now() > deadline) throw new Error(`the Burrow engine (pid ${running.pid}) has closed its socket but not exited; end it with: kill ${running.pid}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  process.stdout.write('stopped\n');
  return 0;
}

async function openSessionCount(): Promise<number> {
  try {
    const status = await requestDaemon<CommandResult<'engineStatus'>>('engineStatus', []);
    // The inspector's own sessions close at once on stop; only MCP hosts' sessions are waited for.
    return status.sessions.filter((s) => !s.inspector).length + (status.toolSessions?.length ?? 0);
  } catch {
    return 0;
  }
}

