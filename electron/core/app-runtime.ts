import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { BURROW_VERSION } from '../../shared/version.js';
import { createCommandHandlers, type CommandContext, type DemoCommands, type DeviceCommands, type SshServerSwitch, type EngineCommands, type EngineHost } from './commands/command-handlers.js';
import { Engine } from './engine.js';
import { BurrowError } from './errors.js';
import { INSPECTOR_CLIENT_NAME } from '../../shared/inspector-client.js';
import type { HostConfigContext } from './hostconfig/host-configs.js';
import { writeDaemonInfo, type DaemonInfo } from './ipc/daemon-info.js';
import { IpcServer } from './ipc/ipc-server.js';
import { defaultToolAuditFile, ToolAuditLog } from './audit/tool-audit.js';
import { SudoPasswords } from './tools/sudo-passwords.js';
import type { Logger } from './logging/logger.js';
import { ensureBurrowHome, ensurePrivateDir, runtimeDir, socketPath, tokenPath } from './paths.js';
import { ConfSettingsStore } from './settings/settings-store.js';
import { DEFAULT_IDLE_TIMEOUT_SEC } from './app-runtime-defaults.js';

export interface RuntimeOptions {
  home: string;
  logger: Logger;
  /** Given by a flag (`--idle-timeout`): wins over the saved setting for this run; else the saved one, else 600 s. */
  idleTimeoutMs?: number;
  /** Start the next MCP server of each used remote ahead of time: `--no-prestart` (false) wins, else the saved setting, else on. */
  prestart?: boolean;
  kind: EngineHost['kind'];
  /** Someone asked this engine to stop (`burrow daemon stop`, the stopEngine command). */
  onStopRequest: () => void;
  /**
   * Runs before the local socket takes helpers: what their first session may need is started here (Burrow's SSH
   * server, so a `burrow connect --remote demo` that started this engine finds the demo listening). Throws: nothing starts.
   */
  beforeListening?: (runtime: BurrowRuntime) => Promise<void>;
  /** Called first when this engine hands over to another: what else it must let go of (its SSH server's ports). */
  onHandOver?: () => void;
  /** Serves the web UI when asked (`burrow ui`); returns its address. */
  openUi?: () => Promise<string>;
  hostConfig?: HostConfigContext;
}

/** The engine, its command table and the local socket `burrow connect` reaches: what `burrow daemon` and the tray app both run. */
export interface BurrowRuntime {
  engine: Engine;
  settings: ConfSettingsStore;
  commands: EngineCommands;
  info: DaemonInfo;
  /** Publishes the web UI's address to clients (burrow status, burrow ui, a second `npm start`). */
  setUiUrl(url: string): void;
  /** Burrow's SSH server started: the device commands go to its registry. */
  setDevices(devices: DeviceCommands | undefined): void;
  /** Burrow's SSH server is wired in: the demo remote (the first screen's offer) and the devices' switch. */
  setEmbedded(embedded: { demo: DemoCommands; sshServer: SshServerSwitch }): void;
  /** Stops taking sessions; resolves when the open ones have ended (at most `timeoutMs`). */
  drain(timeoutMs: number): Promise<void>;
  /**
   * Gives the socket to another engine (the tray app starting while this daemon runs): stops listening,
   * removes the token file, lets the open sessions run to their end, then calls `onStopRequest`.
   */
  handOver(): void;
  close(): Promise<void>;
}

/** Starts the engine, its settings and commands, and the private socket; the caller has checked that none runs. */
export async function startRuntime(options: RuntimeOptions): Promise<BurrowRuntime> {
  const { home, logger } = options;
  // 0700 when created; an existing home that others can read is reported, not changed behind the person's back.
  const homeWarning = ensureBurrowHome(home);
  if (homeWarning) logger.warn(homeWarning);
  ensurePrivateDir(runtimeDir());
  const settings = new ConfSettingsStore(home);
  const saved = settings.tuning();
  const engine = new Engine({
    home,
    logger,
    keepWarm: true,
    // Nobody sits at this process's terminal: passphrases and passwords are asked in the approval queue.
    askForSecrets: true,
    prestart: options.prestart ?? saved.prestart ?? true,
    idleTimeoutMs: options.idleTimeoutMs ?? (saved.idleTimeoutSec ?? DEFAULT_IDLE_TIMEOUT_SEC) * 1000,
    keepTraffic: true,
    approvalTimeoutMs: () => settings.approvalTimeoutMs(),
    resumeWaitMs: () => settings.resumeWaitMs(),
    remotes: () => settings.listRemotes(),
  });
  const token = randomBytes(32).toString('base64url');
  const path = socketPath();
  const info: DaemonInfo = { pid: process.pid, socket: path, token, version: BURROW_VERSION };
  let handedOver = false;
  const handOver = () => {
    if (handedOver) return;
    handedOver = true;
    options.onHandOver?.();
    logger.info(`handing the socket over; ${engine.sessions.count()} open session(s) go on until they end`);
    // Closing the listener unlinks the socket path at once; open sessions keep their connections.
    void ipc.stopListening();
    rmSync(tokenPath(), { force: true });
    void engine.sessions.drain().then(() => options.onStopRequest());
  };
  const tools = {
    // One hash-chained audit for every tools session of this engine.
    audit: new ToolAuditLog(defaultToolAuditFile()),
    sudo: new SudoPasswords(
      engine.broker,
      (name) => {
        const r = settings.getRemote(name);
        return r && { host: r.host, port: r.port, user: r.user };
      },
      settings.approvalTimeoutMs(),
    ),
  };
  const context: CommandContext = {
    settings,
    tools,
    hostKeys: engine.hostKeys,
    engine,
    logger,
    home,
    hostConfig: options.hostConfig,
    host: { kind: options.kind, startedAt: new Date(), ui: () => info.ui, stop: options.onStopRequest, openUi: options.openUi, handOver },
  };
  const commands = createCommandHandlers(context);
  const ipc = new IpcServer({ path, token, engine, settings, commands, logger, tools });
  let closed = false;
  const runtime: BurrowRuntime = {
    engine,
    settings,
    commands,
    info,
    setUiUrl(url) {
      info.ui = url;
      // After a hand-over the token file belongs to the new owner.
      if (!handedOver) writeDaemonInfo(info);
    },
    setDevices(devices) {
      context.devices = devices;
    },
    setEmbedded(embedded) {
      context.demo = embedded.demo;
      context.sshServer = embedded.sshServer;
    },
    async drain(timeoutMs) {
      await ipc.stopListening();
      // Burrow's own sessions (the inspector's, `burrow tools`/`call`) need no waiting for, even one still
      // connecting or waiting for a host key: its caller gets the reason at once.
      commands.close();
      engine.sessions.abortClient(INSPECTOR_CLIENT_NAME, new BurrowError('the Burrow engine is stopping', 'daemon'));
      await Promise.race([engine.sessions.drain(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
    handOver,
    async close() {
      if (closed) return;
      closed = true;
      commands.close();
      engine.close();
      await ipc.close();
      // After a hand-over the token file belongs to the new owner.
      if (!handedOver) rmSync(tokenPath(), { force: true });
    },
  };
  try {
    await options.beforeListening?.(runtime);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  await ipc.listen();
  writeDaemonInfo(info);
  logger.info(`listening on ${path} (pid ${process.pid})`);
  return runtime;
}
