import { BurrowError } from '../errors.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../logging/logger.js';
import type { BurrowService } from '../service.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { ensureDemoRemote, ensureDemoKey, savedDemoPort } from '../demo/demo-remote.js';
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
  service: BurrowService;
  settings: SettingsStore;
  /** `--listen [ADDR:]PORT`: serve edge devices there (and the demo, if asked). */
  listen?: string;
  /** Serve the demo remote and save it as remote "demo" (on the listen port, else on 127.0.0.1 at a free port). */
  demo?: boolean;
}

export interface RunningEmbeddedServer {
  server: EmbeddedSshServer;
  devices?: DeviceRegistry;
  /** One line for the terminal: where it listens and the host key's fingerprint devices pin. */
  banner: string;
  close(): Promise<void>;
}

/**
 * Starts the embedded SSH server for `burrow daemon --listen` / `--demo` (and the tray app later) and wires it in:
 * the engine resolves tunnel remotes through its devices, the service answers `devices.*`, the demo remote is saved.
 */
export async function startEmbeddedServer(setup: EmbeddedServerSetup): Promise<RunningEmbeddedServer> {
  const { engine, service, settings, logger, home } = setup;
  const devices = setup.listen ? new DeviceRegistry({ home, broker: engine.broker, logger, approvalTimeoutMs: () => settings.approvalTimeoutMs() }) : undefined;
  let where = setup.listen ? parseListenAddress(setup.listen) : { host: '127.0.0.1', port: 0 };
  if (!setup.listen && setup.demo) {
    // The demo on its own: the port it had before, so the host key approved for [127.0.0.1]:PORT still matches.
    where = { host: '127.0.0.1', port: savedDemoPort(settings, ensureDemoKey(home).path) ?? 0 };
  }
  let server = new EmbeddedSshServer({ home, logger, host: where.host, port: where.port, devices, demo: setup.demo });
  try {
    await server.listen();
  } catch (error) {
    if (setup.listen || where.port === 0) throw new BurrowError(`cannot listen on ${where.host}:${where.port}: ${(error as Error).message}`, 'config');
    server = new EmbeddedSshServer({ home, logger, host: where.host, port: 0, devices, demo: setup.demo });
    await server.listen();
  }
  const forwardTunnelEvent = (e: TunnelEvent) => engine.emit('tunnel', e);
  if (devices) {
    engine.tunnels = devices;
    service.devices = devices;
    // The engine's 'tunnel' event (TunnelEvent) is what the window and tray show as "tunnel up/down".
    devices.on('tunnel', forwardTunnelEvent);
  }
  if (setup.demo) {
    try {
      ensureDemoRemote(settings, { port: server.port, demoKeyPath: server.demoKeyPath });
    } catch (error) {
      logger.warn((error as Error).message);
    }
  }
  const banner = `Burrow SSH server: listening on ${where.host}:${server.port}, host key ED25519 ${server.hostKey.fingerprint}`;
  return {
    server,
    devices,
    banner,
    async close() {
      devices?.off('tunnel', forwardTunnelEvent);
      if (devices && engine.tunnels === devices) engine.tunnels = undefined;
      if (devices && service.devices === devices) service.devices = undefined;
      await server.close();
    },
  };
}
