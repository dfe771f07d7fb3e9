import { DemoController } from '../demo/demo-controller.js';
import { BurrowError } from '../errors.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../logging/logger.js';
import type { DeviceCommands } from '../commands/command-handlers.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { SshServerState } from '../../../shared/devices.js';
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
  /** Where the command table finds the devices while the server for them runs (undefined once it stops). */
  setDevices: (devices: DeviceCommands | undefined) => void;
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
  /** The server for devices, while it listens. */
  readonly server?: EmbeddedSshServer;
  readonly devices?: DeviceRegistry;
  /** Turns the demo on and off (the first screen's offer); on already when `demo` was asked. */
  demo: DemoController;
  /** One line for the terminal: where it listens and the host key's fingerprint devices pin. */
  readonly banner: string;
  /** The window's switch, as it stands. */
  state(): SshServerState;
  /** The window's switch: listens for devices at `listen` and remembers it, or (undefined) stops and forgets. */
  setListen(listen: string | undefined): Promise<SshServerState>;
  /** Another engine takes over (the tray app starting while this daemon runs): it gets the ports, open connections go on. */
  stopListening(): void;
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
  let problem: string | undefined;
  const forwardTunnelEvent = (e: TunnelEvent) => engine.events.emit('tunnel', { device: e.device, state: e.state });
  const demo = new DemoController({ home, logger, settings, sharedServer: () => server });

  /** Binds the devices' server; throws one line when it cannot. */
  const openDevices = async (listen: string) => {
    const where = parseListenAddress(listen);
    const registry = new DeviceRegistry({ home, broker: engine.broker, logger, audit: engine.audit, approvalTimeoutMs: () => settings.approvalTimeoutMs() });
    const candidate = new EmbeddedSshServer({ home, logger, host: where.host, port: where.port, devices: registry });
    try {
      await candidate.listen();
    } catch (error) {
      throw new BurrowError(`cannot listen on ${listen}: ${(error as Error).message}`, 'config');
    }
    server = candidate;
    devices = registry;
    engine.tunnels = registry;
    setup.setDevices(registry);
    // The engine's 'tunnel' event (TunnelEvent) is what the window and tray show as "tunnel up/down".
    registry.on('tunnel', forwardTunnelEvent);
  };
  /** Stops the devices' server (their tunnels end); a demo it served moves to a server of its own. */
  const closeDevices = async () => {
    const [closing, registry] = [server, devices];
    if (!closing || !registry) return;
    server = undefined;
    devices = undefined;
    registry.off('tunnel', forwardTunnelEvent);
    if (engine.tunnels === registry) engine.tunnels = undefined;
    setup.setDevices(undefined);
    const hadDemo = closing.servesDemo;
    await closing.close();
    if (hadDemo) await enableDemo();
  };
  const enableDemo = async () => {
    try {
      await demo.enable();
    } catch (error) {
      logger.warn(`the demo remote was not started: ${(error as Error).message}`);
    }
  };

  const remembered = setup.listen === undefined ? settings.sshServerListen() : undefined;
  if (setup.listen) await openDevices(setup.listen);
  else if (remembered) {
    try {
      await openDevices(remembered);
    } catch (error) {
      // The engine still runs for remotes; the switch shows why the devices' server is off.
      problem = (error as Error).message;
      logger.warn(`Burrow's SSH server for devices was not started: ${problem}`);
    }
  }
  if (setup.demo || demo.isSaved()) await enableDemo();

  const banner = () => {
    const shown = server ?? demo.server;
    return shown ? `Burrow SSH server: listening on ${shown.address}, host key ED25519 ${shown.hostKey.fingerprint}` : 'Burrow SSH server: not started';
  };
  const state = (): SshServerState => ({
    ...(server ? { listening: server.address, fingerprint: server.hostKey.fingerprint } : {}),
    ...(demo.server ? { demoFingerprint: demo.server.hostKey.fingerprint } : {}),
    ...(settings.sshServerListen() ? { remembered: settings.sshServerListen() } : {}),
    ...(problem ? { problem } : {}),
  });
  return {
    get server() {
      return server;
    },
    get devices() {
      return devices;
    },
    demo,
    get banner() {
      return banner();
    },
    state,
    async setListen(listen) {
      // A bad address is refused before the running server is touched.
      if (listen !== undefined) parseListenAddress(listen);
      await closeDevices();
      problem = undefined;
      if (listen === undefined) {
        settings.setSshServerListen(undefined);
        logger.info("Burrow's SSH server for devices: off");
        return state();
      }
      await openDevices(listen);
      settings.setSshServerListen(listen);
      logger.info(banner());
      return state();
    },
    stopListening() {
      server?.stopListening();
      demo.stopListening();
    },
    async close() {
      const registry = devices;
      registry?.off('tunnel', forwardTunnelEvent);
      if (registry && engine.tunnels === registry) engine.tunnels = undefined;
      await demo.close();
      await server?.close();
    },
  };
}
