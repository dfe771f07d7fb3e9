import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { AuthContext, Connection, ParsedKey, Server } from 'ssh2';
import ssh2 from '../ssh/ssh2-library.js';
import { ensureDemoKey, DEMO_COMMAND, DEMO_USER, runDemoServer, type DemoKey } from '../demo/demo-remote.js';
import { keyTypeLabel, keyTypeOf, sha256Fingerprint } from '../hostkeys/fingerprint.js';
import type { Logger } from '../logging/logger.js';
import type { DeviceRegistry } from './device-registry.js';
import type { Device } from './device-store.js';
import { loadOrCreateServerHostKey, type ServerHostKey } from './server-host-key.js';
import { TunnelListener } from './tunnel-listener.js';

/** The user name devices log in as (`ssh -R … burrow@LAPTOP`). */
export const DEVICE_USER = 'burrow';

/** An unknown device is let in only long enough to say which port it wants; then it is turned away. */
const QUARANTINE_MS = 10_000;

export interface EmbeddedServerOptions {
  home: string;
  logger: Logger;
  /** Where to listen; 127.0.0.1 unless devices on the network should reach it. */
  host?: string;
  /** 0 takes a free port. */
  port?: number;
  /** Serve edge devices (user `burrow`, remote forwarding only). Off: only the demo user is let in. */
  devices?: DeviceRegistry;
  /** Serve the demo remote (user `demo` with Burrow's demo key). */
  demo?: boolean;
}

type Role = { kind: 'device'; device: Device } | { kind: 'unknown-device'; blob: Buffer; keyType: string } | { kind: 'demo' };

/**
 * Burrow's embedded SSH server (ssh2 `Server`), off by default. Edge devices dial in with `ssh -N -R` and may only
 * ask for the one remote forward they were approved for (no shell, exec, local forwarding or other port); the demo
 * user gets the demo MCP server on exec or shell. Passwords and keyboard-interactive are never accepted.
 */
export class EmbeddedSshServer {
  readonly hostKey: ServerHostKey;
  /** Set while the demo is served (from the start with `demo`, or later with enableDemo). */
  private demoKey?: DemoKey;
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private listening?: { host: string; port: number };

  constructor(private readonly options: EmbeddedServerOptions) {
    this.hostKey = loadOrCreateServerHostKey(options.home);
    if (options.demo) this.demoKey = ensureDemoKey(options.home);
    this.server = new ssh2.Server({ hostKeys: [this.hostKey.privateKey], ident: 'Burrow', keepaliveInterval: 15_000, keepaliveCountMax: 3 }, (client, info) =>
      this.serve(client, info.ip),
    );
  }

  get demoKeyPath(): string {
    if (!this.demoKey) throw new Error('the embedded SSH server is not serving the demo');
    return this.demoKey.path;
  }

  get servesDemo(): boolean {
    return !!this.demoKey;
  }

  /** Starts letting the demo user in (the first screen's "try the demo"); returns the demo key's path. */
  enableDemo(): string {
    this.demoKey ??= ensureDemoKey(this.options.home);
    return this.demoKey.path;
  }

  /** Stops letting the demo user in; demo sessions already running go on until they end. */
  disableDemo(): void {
    this.demoKey = undefined;
  }

  /** `HOST:PORT` as bound (after listen), IPv6 in brackets. */
  get address(): string {
    if (!this.listening) throw new Error('the embedded SSH server is not listening');
    const { host, port } = this.listening;
    return `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** The bound port (after listen). */
  get port(): number {
    if (!this.listening) throw new Error('the embedded SSH server is not listening');
    return this.listening.port;
  }

  async listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (e: Error) => this.options.logger.warn(`embedded SSH server: ${e.message}`));
    const { port } = this.server.address() as AddressInfo;
    this.listening = { host, port };
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (this.options.devices) this.options.devices.serverInfo = { fingerprint: this.hostKey.fingerprint, listening: where };
    this.options.logger.info(`embedded SSH server listening on ${where}, host key ${keyTypeLabel('ssh-ed25519')} ${this.hostKey.fingerprint}`);
    return this.listening;
  }

  /**
   * Stops taking connections, so the engine taking over from this one can bind the same port (and its approved host
   * key still matches); the open ones (an MCP host's demo session, a device's tunnel) go on until they end.
   */
  stopListening(): void {
    this.server.close();
  }

  /** Stops listening and ends every connection (devices' tunnels go down, demo sessions end). */
  async close(): Promise<void> {
    for (const c of this.connections) c.end();
    // A peer that does not hang up must not hold the engine's shutdown.
    await Promise.race([new Promise<void>((resolve) => this.server.close(() => resolve())), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  private serve(client: Connection, address: string): void {
    const logger = this.options.logger;
    this.connections.add(client);
    let role: Role | undefined;
    client.on('error', (e: Error) => logger.debug(`embedded SSH server: connection from ${address}: ${e.message}`));
    client.on('close', () => this.connections.delete(client));
    // ssh2 emits 'ready' inside ctx.accept(): the role is set before accepting.
    client.on('authentication', (ctx) => this.authenticate(ctx, address, (r) => (role = r)));
    client.on('ready', () => {
      if (!role) return client.end();
      if (role.kind === 'demo') this.serveDemo(client);
      else if (role.kind === 'device') this.serveDevice(client, role.device, address);
      else this.quarantine(client, role, address);
    });
  }

  /** Accepts a publickey login for the demo user or a device, setting its role just before the signed attempt succeeds. */
  private authenticate(ctx: AuthContext, address: string, setRole: (role: Role) => void): void {
    if (ctx.method !== 'publickey') {
      ctx.reject(['publickey']);
      return;
    }
    const blob = ctx.key.data;
    let role: Role | undefined;
    if (ctx.username === DEMO_USER && this.demoKey && sameBytes(blob, this.demoKey.blob)) {
      role = { kind: 'demo' };
    } else if (ctx.username === DEVICE_USER && this.options.devices) {
      const devices = this.options.devices;
      const device = devices.deviceForKey(blob);
      if (device) role = { kind: 'device', device };
      else if (!devices.isRejected(blob)) role = { kind: 'unknown-device', blob, keyType: keyTypeOf(blob) };
    }
    if (!role) {
      if (ctx.signature) this.options.logger.info(`embedded SSH server: refused ${ctx.username}@ key ${sha256Fingerprint(blob)} from ${address}`);
      ctx.reject(['publickey']);
      return;
    }
    // Without a signature the client only asks whether this key would do: say yes, and check the signed try.
    if (!ctx.signature || !ctx.blob) {
      ctx.accept();
      return;
    }
    const key = parsePublicKey(blob);
    if (!key || key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
      ctx.reject(['publickey']);
      return;
    }
    setRole(role);
    ctx.accept();
  }

  /** The demo user: one demo MCP server per session channel, on exec `burrow-demo` or a shell; nothing else. */
  private serveDemo(client: Connection): void {
    client.on('session', (accept) => {
      const session = accept();
      session.on('env', (acceptEnv) => acceptEnv?.());
      session.on('shell', (acceptShell) => runDemoServer(acceptShell(), this.options.logger));
      session.on('exec', (acceptExec, _reject, info) => {
        const channel = acceptExec();
        if (info.command.trim() === DEMO_COMMAND) return runDemoServer(channel, this.options.logger);
        channel.stderr.write(`burrow demo: unknown command "${info.command}" (the demo serves "${DEMO_COMMAND}")\n`);
        channel.exit(127);
        channel.end();
      });
    });
  }

  /** An approved device: its one remote forward, bound on 127.0.0.1. Sessions and local forwards are refused. */
  private serveDevice(client: Connection, device: Device, address: string): void {
    const logger = this.options.logger;
    const registry = this.options.devices!;
    let listener: TunnelListener | undefined;
    let tunnel: Parameters<DeviceRegistry['tunnelUp']>[1] | undefined;
    let opening = false;
    let closed = false;
    const refuse = (what: string) => logger.warn(`device "${device.name}" (${address}) asked for ${what}: refused (devices may only forward port ${device.port})`);
    client.on('session', (_accept, reject) => {
      refuse('a session (shell or exec)');
      reject();
    });
    client.on('tcpip', (_accept, reject, info) => {
      refuse(`a local forward to ${info.destIP}:${info.destPort}`);
      reject();
    });
    client.on('openssh.streamlocal', (_accept, reject) => {
      refuse('a Unix socket');
      reject();
    });
    client.on('request', (accept, reject, name, info) => {
      if (name === 'cancel-tcpip-forward' && 'bindPort' in info && listener && info.bindPort === listener.port) {
        const closing = listener;
        listener = undefined;
        if (tunnel) registry.tunnelDown(device.name, tunnel);
        void closing.close().then(() => accept?.());
        return;
      }
      if (name !== 'tcpip-forward' || !('bindPort' in info)) {
        refuse(`the global request ${name}`);
        return reject?.();
      }
      if (info.bindPort !== device.port || listener || opening) {
        refuse(`a remote forward of port ${info.bindPort}`);
        return reject?.();
      }
      // Forgotten while this connection was open: it is no longer a device.
      if (registry.store.get(device.name)?.fingerprint !== device.fingerprint) {
        reject?.();
        return client.end();
      }
      opening = true;
      void this.openTunnel(client, device, info.bindAddr, address).then(
        (opened) => {
          opening = false;
          listener = opened.listener;
          tunnel = opened.tunnel;
          // The device hung up while the port was being bound: undo at once.
          if (closed) return void this.dropTunnel(device.name, opened);
          accept?.(device.port);
        },
        (error: Error) => {
          opening = false;
          logger.warn(`device "${device.name}": cannot listen on 127.0.0.1:${device.port}: ${error.message}`);
          reject?.();
        },
      );
    });
    client.on('close', () => {
      closed = true;
      if (listener && tunnel) void this.dropTunnel(device.name, { listener, tunnel });
    });
  }

  private dropTunnel(name: string, opened: { listener: TunnelListener; tunnel: Parameters<DeviceRegistry['tunnelUp']>[1] }): Promise<void> {
    this.options.devices!.tunnelDown(name, opened.tunnel);
    return opened.listener.close();
  }

  private async openTunnel(client: Connection, device: Device, requestedAddr: string, address: string) {
    const registry = this.options.devices!;
    // A device that dials again (its old connection half-dead after a network change) takes over its port.
    await registry.liveTunnel(device.name)?.close();
    const listener = await TunnelListener.open(client, requestedAddr, device.port, (m) => this.options.logger.warn(`device "${device.name}": ${m}`));
    const tunnel = {
      port: device.port,
      address,
      close: async () => {
        client.end();
        await listener.close();
      },
    };
    registry.tunnelUp(device.name, tunnel);
    return { listener, tunnel };
  }

  /**
   * An unknown device key: let in only to learn which port it asks for, queued for approval with that port, and
   * turned away (no handshake is held open while a person decides; the device dials again).
   */
  private quarantine(client: Connection, role: Extract<Role, { kind: 'unknown-device' }>, address: string): void {
    const registry = this.options.devices!;
    const timer = setTimeout(() => client.end(), QUARANTINE_MS);
    timer.unref();
    client.on('close', () => clearTimeout(timer));
    client.on('session', (_accept, reject) => reject());
    client.on('tcpip', (_accept, reject) => reject());
    client.on('openssh.streamlocal', (_accept, reject) => reject());
    client.on('request', (_accept, reject, name, info) => {
      if (name === 'tcpip-forward' && 'bindPort' in info && info.bindPort > 0) registry.askApproval(role.blob, role.keyType, address, info.bindPort);
      reject?.();
      // Let the refusal reach the device before the connection goes.
      setImmediate(() => client.end());
    });
  }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function parsePublicKey(blob: Buffer): ParsedKey | undefined {
  const parsed = ssh2.utils.parseKey(`${keyTypeOf(blob)} ${blob.toString('base64')}`);
  if (parsed instanceof Error) return undefined;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}
