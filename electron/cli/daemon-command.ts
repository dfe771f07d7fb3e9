import { randomBytes } from 'node:crypto';
import { findRunningEngine, startRuntime } from '../core/app-runtime.js';
import { createLogger, dailyFileSink, parseLogLevel, stderrSink } from '../core/logging/logger.js';
import { burrowHome, logDir } from '../core/paths.js';
import type { RunningEmbeddedServer } from '../core/sshserver/start-embedded.js';
import { parseCommandArgs, parsePort } from './cli-args.js';

const HELP = `usage: burrow daemon [--ui] [--ui-port N] [--idle-timeout SECONDS] [--no-prestart] [--log-level LEVEL]
                     [--listen [ADDR:]PORT] [--demo]

Runs Burrow's engine without the tray app: one pooled SSH connection per remote,
a private local socket for "burrow connect --remote NAME", and a log file in ${logDir()}.
--listen runs Burrow's SSH server for edge devices (ssh -N -R PORT:localhost:22 burrow@THIS_MACHINE -p PORT;
see burrow devices); --demo serves the demo remote "demo" on it (or on 127.0.0.1 alone).`;

export async function run(args: string[]): Promise<number> {
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
    process.stderr.write(`burrow: a Burrow daemon is running already (pid ${running.pid}, socket ${running.socket})\n`);
    return values.background ? 0 : 1;
  }

  const idleSec = values['idle-timeout'] === undefined ? 600 : Number(values['idle-timeout']);
  let stopping = false;
  let embedded: RunningEmbeddedServer | undefined;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    await embedded?.close();
    await runtime.close();
    process.exit(0);
  };
  const runtime = await startRuntime({ home: burrowHome(), logger, idleTimeoutMs: idleSec * 1000, prestart: !values['no-prestart'], onStopRequest: () => void stop() });
  const { engine, service, settings } = runtime;
  if (values.listen !== undefined || values.demo) {
    const { startEmbeddedServer } = await import('../core/sshserver/start-embedded.js');
    try {
      embedded = await startEmbeddedServer({ home: burrowHome(), logger, engine, service, settings, listen: values.listen, demo: values.demo });
    } catch (error) {
      await runtime.close();
      throw error;
    }
    process.stdout.write(`${embedded.banner}\n`);
  }
  if (values.ui) {
    const { startWebUi } = await import('../core/web/web-ui-server.js');
    const { createEngineApi } = await import('../core/api/engine-api.js');
    // Its own secret: the UI's URL ends up in browser history, and must not also open the helpers' socket.
    const uiToken = randomBytes(32).toString('base64url');
    const api = createEngineApi({ engine, service, settings, logger });
    // 0 (the default) takes any free port.
    const uiPort = values['ui-port'] === '0' ? 0 : parsePort(values['ui-port'], '--ui-port', 0);
    const url = await startWebUi({ api, logger, port: uiPort, token: uiToken });
    runtime.setUiUrl(url);
    process.stdout.write(`Burrow UI: ${url}\n`);
  }
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  engine.on('remote-state', (e: { label: string; state: string; detail?: string }) => logger.info(`${e.label}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`));
  return new Promise<number>(() => {});
}
