import { DemoController } from '../demo/demo-controller.js';
import { BurrowError } from '../errors.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../logging/logger.js';
import type { DeviceCommands } from '../commands/command-handlers.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { DeviceRegistry, type TunnelEvent } from './device-registry.js';
import { EmbeddedSshServer } from './embedded-server.js';

/** `[ADDR:]PORT` as `--listen` takes it (`2222`, `0.0.0.0:2222`, `[::1]:2222`); ADDR defaults to 127.0.0.1. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BurrowError(`--listen takes [ADDR:]PORT (e.g. 2222 or 0.0.0.0:2222), not "${text}"`, 'config');
  }
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export interface EmbeddedServerSetup {
  home: string;
  logger: Logger;
  engine: Engine;
  /** Where the command table finds the devices once the server runs. */
  setDevices: (devices: DeviceCommands) => void;
  settings: SettingsStore;
  /**
   * `--listen [ADDR:]PORT`: serve edge devices there (and the demo, if asked). Without it, the address the window's
   * switch remembered (settings `sshServer.listen`), if any; a remembered address that cannot be bound is logged, not fatal.
   */
  listen?: string;
  /**
   * Serve the demo remote and save it as remote "demo" (on the listen port, else on 127.0.0.1 at its own port).
   * Burrow's own demo remote saved by an earlier start is served again without being asked.
   */
  demo?: boolean;
}

export interface RunningEmbeddedServer {
  /** The server for devices (`listen`), if any. */
  server?: EmbeddedSshServer;
  devices?: DeviceRegistry;
  /** Turns the demo on and off (the first screen's offer); on already when `demo` was asked. */
  demo: DemoController;
  /** One line for the terminal: where it listens and the host key's fingerprint devices pin. */
  banner: string;
  close(): Promise<void>;
}

/**
 * Starts the embedded SSH server for `burrow daemon --listen` / `--demo` (and the tray app) and wires it in:
 * the engine resolves tunnel remotes through its devices, the command table answers the device commands, the demo remote is saved.
 */
export async function startEmbeddedServer(setup: EmbeddedServerSetup): Promise<RunningEmbeddedServer> {
  const { engine, settings, logger, home } = setup;
  let server: EmbeddedSshServer | undefined;
  let devices: DeviceRegistry | undefined;
  const forwardTunnelEvent = (e: TunnelEvent) => engine.events.emit('tunnel', { device: e.device, state: e.state });
  const remembered = setup.listen === undefined ? settings.sshServerListen() : undefined;
  const listen = setup.listen ?? remembered;
  if (listen) {
    devices = new DeviceRegistry({ home, broker: engine.broker, logger, audit: engine.audit, approvalTimeoutMs: () => settings.approvalTimeoutMs() });
    try {
      const where = parseListenAddress(listen);
      server = new EmbeddedSshServer({ home, logger, host: where.host, port: where.port, devices });
      await server.listen();
    } catch (error) {
      const problem = error instanceof BurrowError ? error : new BurrowError(`cannot listen on ${listen}: ${(error as Error).message}`, 'config');
      if (!remembered) throw problem;
      // The engine still runs for remotes; the devices wait until the port is free and the switch is turned on again.
      logger.warn(`Burrow's SSH server for devices was not started: ${problem.message}`);
      server = undefined;
      devices = undefined;
    }
  }
  if (server && devices) {
    engine.tunnels = devices;
    setup.setDevices(devices);
    // The engine's 'tunnel' event (TunnelEvent) is what the window and tray show as "tunnel up/down".
    devices.on('tunnel', forwardTunnelEvent);
  }
  const demo = new DemoController({ home, logger, settings, sharedServer: () => server });
  if (setup.demo || demo.isSaved()) {
    try {
      await demo.enable();
    } catch (error) {
      logger.warn(`the demo remote was not started: ${(error as Error).message}`);
    }
  }
  const shown = server ?? demo.server;
  const banner = shown
    ? `Burrow SSH server: listening on ${shown.address}, host key ED25519 ${shown.hostKey.fingerprint}`
    : 'Burrow SSH server: not started';
  return {
    server,
    devices,
    demo,
    banner,
    async close() {
      devices?.off('tunnel', forwardTunnelEvent);
      if (devices && engine.tunnels === devices) engine.tunnels = undefined;

      await demo.close();
      await server?.close();
    },
  };
}
