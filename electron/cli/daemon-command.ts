import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Engine } from '../core/engine.js';
import { connectToDaemon } from '../core/ipc/ipc-client.js';
import { writeDaemonInfo } from '../core/ipc/daemon-info.js';
import { IpcServer } from '../core/ipc/ipc-server.js';
import { createLogger, dailyFileSink, parseLogLevel, stderrSink } from '../core/logging/logger.js';
import { burrowHome, ensurePrivateDir, logDir, runtimeDir, socketPath, tokenPath } from '../core/paths.js';
import { BurrowService } from '../core/service.js';
import { ConfSettingsStore } from '../core/settings/settings-store.js';
import { parseCommandArgs, parsePort } from './cli-args.js';

const HELP = `usage: burrow daemon [--ui] [--ui-port N] [--idle-timeout SECONDS] [--log-level LEVEL]

Runs Burrow's engine without the tray app: one pooled SSH connection per remote,
a private local socket for "burrow connect --remote NAME", and a log file in ${logDir()}.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('daemon', args, {
    ui: { type: 'boolean' },
    'ui-port': { type: 'string' },
    'idle-timeout': { type: 'string' },
    'log-level': { type: 'string' },
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

  try {
    const running = await connectToDaemon();
    running.socket.destroy();
    process.stderr.write(`burrow: a Burrow daemon is running already (pid ${running.info.pid}, socket ${running.info.socket})\n`);
    return values.background ? 0 : 1;
  } catch {
    // nothing answers: ours to start
  }

  ensurePrivateDir(runtimeDir());
  const home = burrowHome();
  const settings = new ConfSettingsStore(home);
  const idleSec = values['idle-timeout'] === undefined ? 600 : Number(values['idle-timeout']);
  const engine = new Engine({
    home,
    logger,
    keepWarm: true,
    idleTimeoutMs: idleSec * 1000,
    approvalTimeoutMs: () => settings.approvalTimeoutMs(),
  });
  const service = new BurrowService(settings, engine.hostKeys, engine);
  const token = randomBytes(32).toString('base64url');
  const path = socketPath();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping');
    engine.close();
    await ipc.close();
    rmSync(tokenPath(), { force: true });
    process.exit(0);
  };
  const ipc = new IpcServer({ path, token, engine, settings, service, logger, onStop: () => void stop() });
  await ipc.listen();
  const info = { pid: process.pid, socket: path, token, version: '0.1.0', ui: undefined as string | undefined };
  if (values.ui) {
    const { startWebUi } = await import('../core/web/web-ui-server.js');
    const { createEngineApi } = await import('../core/api/engine-api.js');
    // Its own secret: the UI's URL ends up in browser history, and must not also open the helpers' socket.
    const uiToken = randomBytes(32).toString('base64url');
    const api = createEngineApi({ engine, service, settings, logger });
    info.ui = await startWebUi({ api, logger, port: parsePort(values['ui-port'], '--ui-port', 0), token: uiToken });
    process.stdout.write(`Burrow UI: ${info.ui}\n`);
  }
  writeDaemonInfo(info);
  logger.info(`listening on ${path} (pid ${process.pid})`);
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  engine.on('remote-state', (e: { label: string; state: string; detail?: string }) => logger.info(`${e.label}: ${e.state}${e.detail ? ` (${e.detail})` : ''}`));
  return new Promise<number>(() => {});
}
