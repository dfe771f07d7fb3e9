import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Engine, type SessionOptions } from './engine.js';
import { BurrowError } from './errors.js';
import { connectToDaemon, requestDaemon } from './ipc/ipc-client.js';
import { writeDaemonInfo, type DaemonInfo } from './ipc/daemon-info.js';
import { IpcServer } from './ipc/ipc-server.js';
import type { Logger } from './logging/logger.js';
import { ensurePrivateDir, runtimeDir, socketPath, tokenPath } from './paths.js';
import type { Remote } from '../../shared/remote.js';
import type { HostEnd } from './relay/line-end.js';
import type { HostSession } from './relay/host-session.js';
import { BurrowService } from './service.js';
import { ConfSettingsStore } from './settings/settings-store.js';

export const VERSION = '0.1.0';

/** An engine that can refuse new host sessions for a while (the tray's Pause). */
export class PausableEngine extends Engine {
  private paused = false;

  isPaused(): boolean {
    return this.paused;
  }

  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    this.emit('paused', paused);
  }

  override startSession(remote: Remote, host: HostEnd, secrets?: SessionOptions): HostSession {
    // The IPC server turns this into one line on the helper's stderr, which the MCP host shows.
    if (this.paused) {
      // Read the helper's side to its end (discarding it), so the refused socket closes instead of lingering.
      host.onLine = undefined;
      host.onEnd = () => {};
      host.start();
      throw new BurrowError('Burrow is paused: choose Resume in its tray menu, then retry', 'daemon');
    }
    return super.startSession(remote, host, secrets);
  }
}

export interface RuntimeOptions {
  home: string;
  logger: Logger;
  idleTimeoutMs: number;
  /** Start the next MCP server of each used remote ahead of time (on unless `--no-prestart`). */
  prestart?: boolean;
  /** Someone asked this engine to stop (`daemon.stop` over the socket). */
  onStopRequest: () => void;
}

/** The engine and the local socket `burrow connect` reaches: what `burrow daemon` and the tray app both run. */
export interface BurrowRuntime {
  engine: PausableEngine;
  settings: ConfSettingsStore;
  service: BurrowService;
  info: DaemonInfo;
  /** Publishes the web UI's address to clients (burrow status, a second `npm start`). */
  setUiUrl(url: string): void;
  /**
   * Gives the socket to another engine (the tray app starting while this daemon runs): stops listening,
   * removes the token file, lets the open sessions run to their end, then calls `onStopRequest`.
   */
  handOver(): void;
  close(): Promise<void>;
}

/** The engine already serving this Burrow home, if one answers on its socket. */
export async function findRunningEngine(env: NodeJS.ProcessEnv = process.env): Promise<DaemonInfo | undefined> {
  try {
    const { socket, info } = await connectToDaemon(env);
    socket.destroy();
    return info;
  } catch {
    return undefined;
  }
}

/** Asks a running `burrow daemon` to stop and waits until its socket is free (the app taking over). */
export async function stopRunningEngine(timeoutMs = 5000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    await requestDaemon('daemon.stop', null, env);
  } catch {
    return (await findRunningEngine(env)) === undefined;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await findRunningEngine(env)) === undefined) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/**
 * Takes the socket from a running `burrow daemon` without dropping its live sessions: the daemon stops
 * accepting and exits once its sessions end; new sessions come to the caller's engine. Falls back to
 * stopping an older daemon that does not know the request. True when the socket is free.
 */
export async function handOverRunningEngine(timeoutMs = 5000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    await requestDaemon('daemon.handover', null, env);
  } catch {
    return stopRunningEngine(timeoutMs, env);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await findRunningEngine(env)) === undefined) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Starts the engine, its settings and service, and the private socket; the caller has checked that none runs. */
export async function startRuntime(options: RuntimeOptions): Promise<BurrowRuntime> {
  const { home, logger } = options;
  ensurePrivateDir(runtimeDir());
  const settings = new ConfSettingsStore(home);
  const engine = new PausableEngine({
    home,
    logger,
    keepWarm: true,
    // Nobody sits at this process's terminal: passphrases and passwords are asked in the approval queue.
    askForSecrets: true,
    prestart: options.prestart ?? true,
    idleTimeoutMs: options.idleTimeoutMs,
    approvalTimeoutMs: () => settings.approvalTimeoutMs(),
  });
  const service = new BurrowService(settings, engine.hostKeys, engine);
  const token = randomBytes(32).toString('base64url');
  const path = socketPath();
  let handedOver = false;
  const handOver = () => {
    if (handedOver) return;
    handedOver = true;
    logger.info(`handing the socket over; ${engine.sessionCount()} open session(s) go on until they end`);
    // Closing the listener unlinks the socket path at once; open sessions keep their connections.
    void ipc.close();
    rmSync(tokenPath(), { force: true });
    const exitWhenIdle = () => {
      if (engine.sessionCount() > 0) return;
      engine.off('sessions-changed', exitWhenIdle);
      options.onStopRequest();
    };
    engine.on('sessions-changed', exitWhenIdle);
    exitWhenIdle();
  };
  const ipc = new IpcServer({ path, token, engine, settings, service, logger, onStop: options.onStopRequest, onHandOver: handOver });
  await ipc.listen();
  const info: DaemonInfo = { pid: process.pid, socket: path, token, version: VERSION };
  writeDaemonInfo(info);
  logger.info(`listening on ${path} (pid ${process.pid})`);
  let closed = false;
  return {
    engine,
    settings,
    service,
    info,
    setUiUrl(url) {
      info.ui = url;
      // After a hand-over the token file belongs to the new owner.
      if (!handedOver) writeDaemonInfo(info);
    },
    handOver,
    async close() {
      if (closed) return;
      closed = true;
      engine.close();
      // Stops listening at once; waits a little for connected clients, not for ever (a probe that hung up
      // before its hello line leaves a half-open socket in IpcServer until the process exits).
      await Promise.race([ipc.close(), new Promise((r) => setTimeout(r, 1000).unref())]);
      if (!handedOver) rmSync(tokenPath(), { force: true });
    },
  };
}
