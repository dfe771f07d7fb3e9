import type { Client as SshClient, ClientChannel } from 'ssh2';
import type { ConnectionState, EngineEventMap } from '../../../shared/events.js';
import { BurrowError } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import { exitOf, recordExit } from './channel-exit.js';
import { probeConnection } from './connection-probe.js';

/** Who the pool connects for: a remote's Connector (stable across reconnects). */
export interface PoolTarget {
  /** Connections are shared between sessions whose targets have the same key. */
  key: string;
  label: string;
  connect: () => Promise<SshClient>;
}

export type ChannelSpec = { mode: 'exec'; command: string } | { mode: 'shell' };

/** A use of a pooled connection; `release` must be called when done with it. */
export interface ConnectionLease {
  release(): void;
  /** Set by the user: called when the connection drops. */
  onConnectionLost?: (error: BurrowError) => void;
}

/** A channel lent to one host session. */
export interface ChannelLease extends ConnectionLease {
  channel: ClientChannel;
  /** Whether the connection the channel rides is still up. */
  connectionAlive(): boolean;
}

interface PooledConnection {
  client: SshClient;
  leases: Set<ConnectionLease>;
  opening: number;
  /** The server refused a channel on it (OpenSSH MaxSessions): use another connection. */
  full: boolean;
  alive: boolean;
  idleTimer?: NodeJS.Timeout;
  /** Spares being closed to free their slot: a host session refused meanwhile waits for them, not a new login. */
  freeing: Set<Promise<void>>;
  /** A host session was refused here: no spare takes a slot on it again until a channel closes. */
  atCapacity: boolean;
}

/** A channel opened ahead of time, its MCP server already started and waiting for `initialize`. */
interface SpareChannel {
  conn: PooledConnection;
  channel: ClientChannel;
}

interface RemotePool {
  target: PoolTarget;
  connections: PooledConnection[];
  /** At most one spare per channel spec (exec command or shell). */
  spares: Map<string, SpareChannel>;
  /** Spares being opened, so a refused host session can wait for one and take its slot. */
  opening: Map<string, Promise<void>>;
  connecting?: Promise<PooledConnection>;
  reconnectTimer?: NodeJS.Timeout;
  backoffMs: number;
}

export interface PoolOptions {
  logger: Logger;
  events: EventBus<EngineEventMap>;
  /** How long an unused connection stays open; 0 closes it with its last channel. */
  idleTimeoutMs: number;
  /** Re-establish a dropped connection in the background (daemon), with backoff. */
  keepWarm: boolean;
  /**
   * Keep one channel per remote opened ahead, its server started, so the next host session skips
   * the server's start-up (daemon only; a remote gets one after its first session).
   */
  prestart?: boolean;
  maxBackoffMs?: number;
}

/** One SSH connection per remote, many channels on it; a second connection only when the server says it is full. */
export class ConnectionPool {
  private readonly remotes = new Map<string, RemotePool>();
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  async openChannel(target: PoolTarget, spec: ChannelSpec): Promise<ChannelLease> {
    const remote = this.remoteFor(target);
    const spare = this.takeSpare(remote, spec);
    if (spare) {
      const lease = this.lease(remote, spare.conn, spare.channel);
      this.refillSpare(remote, spec);
      return lease;
    }
    const lease = await this.openFresh(remote, spec);
    this.refillSpare(remote, spec);
    return lease;
  }

  private async openFresh(remote: RemotePool, spec: ChannelSpec): Promise<ChannelLease> {
    const target = remote.target;
    for (let attempt = 0; ; attempt++) {
      const existing = remote.connections.find((c) => c.alive && !c.full);
      const conn = existing ?? (await this.newConnection(remote));
      conn.opening++;
      clearTimeout(conn.idleTimer);
      try {
        const channel = await openOn(conn.client, spec);
        return this.lease(remote, conn, channel);
      } catch (error) {
        // A host session outranks a spare: give its slot back and try this connection again.
        conn.atCapacity = true;
        if (attempt < 8 && conn.alive && (await this.dropSpareOn(remote, conn))) continue;
        const busy = conn.leases.size > 0 || conn.opening > 1;
        if (attempt < 8 && (!conn.alive || busy)) {
          // Refused on a connection that already carries channels: the server's per-connection limit.
          if (conn.alive) {
            conn.full = true;
            this.options.logger.info(`${target.label}: server refused channel ${conn.leases.size + 1} on a connection; opening another`);
          }
          continue;
        }
        throw new BurrowError(`${target.label}: the server refused to start the MCP server: ${(error as Error).message}`, 'remote-exit');
      } finally {
        conn.opening--;
        this.scheduleIdle(remote, conn);
      }
    }
  }

  /**
   * The connection itself, for a user that opens its own channels (the built-in SSH tools: exec, pty shells,
   * SFTP, forwards). It keeps the connection from idling out until released.
   */
  async leaseClient(target: PoolTarget): Promise<{ client: SshClient; release(): void }> {
    const remote = this.remoteFor(target);
    const conn = remote.connections.find((c) => c.alive) ?? (await this.newConnection(remote));
    let released = false;
    const lease: ConnectionLease = {
      release: () => {
        if (released) return;
        released = true;
        conn.leases.delete(lease);
        this.scheduleIdle(remote, conn);
      },
    };
    conn.leases.add(lease);
    clearTimeout(conn.idleTimer);
    this.emitState(remote, 'connected');
    return { client: conn.client, release: lease.release };
  }

  /**
   * After a wake (or a network change): every connection must answer a probe at once or is dropped (its sessions
   * resume on a new one), and a remote waiting out its backoff tries again now.
   */
  checkConnections(timeoutMs = 5000): void {
    if (this.closed) return;
    for (const remote of this.remotes.values()) {
      if (remote.reconnectTimer) {
        clearTimeout(remote.reconnectTimer);
        remote.reconnectTimer = undefined;
        remote.backoffMs = 1000;
        this.scheduleReconnectNow(remote);
      }
      for (const conn of remote.connections) {
        if (!conn.alive) continue;
        void probeConnection(conn.client, timeoutMs).then((answered) => {
          if (answered || !conn.alive) return;
          this.options.logger.warn(`${remote.target.label}: the connection did not answer after a wake; dropping it`);
          conn.client.destroy();
        });
      }
    }
  }

  private scheduleReconnectNow(remote: RemotePool): void {
    if (remote.connections.some((c) => c.alive)) return;
    this.newConnection(remote).then(
      (conn) => this.scheduleIdle(remote, conn),
      (error: Error) => {
        this.options.logger.warn(`reconnecting to ${remote.target.label} failed: ${error.message}`);
        this.scheduleReconnect(remote);
      },
    );
  }

  closeAll(): void {
    this.closed = true;
    for (const remote of this.remotes.values()) {
      clearTimeout(remote.reconnectTimer);
      remote.spares.clear();
      for (const conn of remote.connections) {
        clearTimeout(conn.idleTimer);
        conn.alive = false;
        conn.client.end();
      }
      remote.connections = [];
    }
  }

  private remoteFor(target: PoolTarget): RemotePool {
    let remote = this.remotes.get(target.key);
    if (!remote) {
      remote = { target, connections: [], spares: new Map(), opening: new Map(), backoffMs: 1000 };
      this.remotes.set(target.key, remote);
    }
    return remote;
  }

  private newConnection(remote: RemotePool): Promise<PooledConnection> {
    if (!remote.connecting) {
      this.emitState(remote, remote.connections.length ? 'connected' : 'connecting');
      remote.connecting = remote.target
        .connect()
        .then((client) => this.adopt(remote, client))
        .catch((error: Error) => {
          this.emitState(remote, 'error', error.message);
          throw error;
        })
        .finally(() => {
          remote.connecting = undefined;
        });
    }
    return remote.connecting;
  }

  private adopt(remote: RemotePool, client: SshClient): PooledConnection {
    const conn: PooledConnection = { client, leases: new Set(), opening: 0, full: false, alive: true, freeing: new Set(), atCapacity: false };
    remote.connections.push(conn);
    remote.backoffMs = 1000;
    clearTimeout(remote.reconnectTimer);
    remote.reconnectTimer = undefined;
    const lost = (why: string) => {
      if (!conn.alive) return;
      conn.alive = false;
      clearTimeout(conn.idleTimer);
      remote.connections = remote.connections.filter((c) => c !== conn);
      const inUse = conn.leases.size > 0;
      const error = new BurrowError(`connection to ${remote.target.label} was lost${why ? ` (${why})` : ''}`, 'connection-lost');
      for (const lease of conn.leases) lease.onConnectionLost?.(error);
      conn.leases.clear();
      if (this.closed) return;
      this.options.logger.warn(error.message);
      if (inUse && this.options.keepWarm) this.scheduleReconnect(remote);
      else if (!remote.connections.length) this.emitState(remote, 'disconnected', why);
    };
    client.on('error', (error: Error) => lost(error.message));
    client.on('close', () => lost(''));
    this.emitState(remote, 'connected');
    return conn;
  }

  private scheduleReconnect(remote: RemotePool): void {
    if (remote.reconnectTimer || this.closed) return;
    const delay = remote.backoffMs;
    remote.backoffMs = Math.min(remote.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
    this.emitState(remote, 'reconnecting', `next try in ${Math.round(delay / 1000)}s`);
    remote.reconnectTimer = setTimeout(() => {
      remote.reconnectTimer = undefined;
      this.scheduleReconnectNow(remote);
    }, delay);
    remote.reconnectTimer.unref();
  }

  /** Closes a spare held on `conn` and waits until the server has let go of its session. */
  private async dropSpareOn(remote: RemotePool, conn: PooledConnection): Promise<boolean> {
    // A spare still being opened may be what took the last slot: let it land first.
    await Promise.all(remote.opening.values());
    const entry = [...remote.spares].find(([, spare]) => spare.conn === conn);
    if (!entry) {
      // Several sessions refused at once: another one is closing the spare; its slot is the one to wait for.
      if (conn.freeing.size === 0) return false;
      await Promise.all(conn.freeing);
      return true;
    }
    const [key, spare] = entry;
    remote.spares.delete(key);
    const freed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      spare.channel.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      spare.channel.close();
    });
    conn.freeing.add(freed);
    await freed;
    conn.freeing.delete(freed);
    return true;
  }

  private takeSpare(remote: RemotePool, spec: ChannelSpec): SpareChannel | undefined {
    const key = specKey(spec);
    const spare = remote.spares.get(key);
    remote.spares.delete(key);
    if (!spare) return undefined;
    // A spare whose server already exited (it may not have closed yet) would hand the host a dead session.
    if (!spare.conn.alive || exitOf(spare.channel)) {
      spare.channel.close();
      return undefined;
    }
    return spare;
  }

  /** Opens the next spare in the background; a refusal (the server's session limit) just means none. */
  private refillSpare(remote: RemotePool, spec: ChannelSpec): void {
    const key = specKey(spec);
    if (!this.options.prestart || this.closed || remote.spares.has(key) || remote.opening.has(key)) return;
    // The spare yields to host sessions: none while they are opening channels here, or were refused here.
    const conn = remote.connections.find((c) => c.alive && !c.full);
    if (!conn || conn.opening > 0 || conn.atCapacity) return;
    const opened = openOn(conn.client, spec).then(
      (channel) => {
        remote.opening.delete(key);
        if (!conn.alive || this.closed || remote.spares.has(key)) return channel.close();
        const spare: SpareChannel = { conn, channel };
        // A spare whose server ends before anyone uses it is dropped, never handed out, never replaced.
        channel.once('close', () => {
          if (remote.spares.get(key) === spare) remote.spares.delete(key);
        });
        remote.spares.set(key, spare);
      },
      (error: Error) => {
        remote.opening.delete(key);
        this.options.logger.debug(`${remote.target.label}: no spare channel (${error.message})`);
      },
    );
    remote.opening.set(key, opened);
  }

  private lease(remote: RemotePool, conn: PooledConnection, channel: ClientChannel): ChannelLease {
    let released = false;
    const lease: ChannelLease = {
      channel,
      connectionAlive: () => conn.alive,
      release: () => {
        if (released) return;
        released = true;
        conn.leases.delete(lease);
        // A channel closing frees a session slot on the server.
        conn.full = false;
        conn.atCapacity = false;
        this.scheduleIdle(remote, conn);
      },
    };
    conn.leases.add(lease);
    clearTimeout(conn.idleTimer);
    this.emitState(remote, 'connected');
    return lease;
  }

  /** New settings (the Settings screen): they apply to the next idle timer and the next spare. */
  retune(tuning: { idleTimeoutMs: number; prestart: boolean }): void {
    this.options.idleTimeoutMs = tuning.idleTimeoutMs;
    this.options.prestart = tuning.prestart;
  }

  private scheduleIdle(remote: RemotePool, conn: PooledConnection): void {
    if (!conn.alive || conn.leases.size > 0 || conn.opening > 0) return;
    clearTimeout(conn.idleTimer);
    const close = () => {
      conn.alive = false;
      remote.connections = remote.connections.filter((c) => c !== conn);
      for (const [key, spare] of remote.spares) if (spare.conn === conn) remote.spares.delete(key);
      conn.client.end();
      if (!remote.connections.length) this.emitState(remote, 'disconnected');
    };
    if (this.options.idleTimeoutMs <= 0) return close();
    this.emitState(remote, 'idle');
    conn.idleTimer = setTimeout(close, this.options.idleTimeoutMs);
    conn.idleTimer.unref();
  }

  private emitState(remote: RemotePool, state: ConnectionState, detail?: string): void {
    this.options.events.emit('connection-state', { remote: remote.target.label, state, detail });
  }
}

function specKey(spec: ChannelSpec): string {
  return spec.mode === 'exec' ? `exec:${spec.command}` : 'shell';
}

/** Opens the channel an MCP server runs on: exec with its command, or a shell (m2m servers). */
export function openOn(client: SshClient, spec: ChannelSpec): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, channel: ClientChannel) => {
      if (error) return reject(error);
      recordExit(channel);
      resolve(channel);
    };
    try {
      if (spec.mode === 'exec') client.exec(spec.command, done);
      else client.shell(false, done);
    } catch (error) {
      reject(error as Error);
    }
  });
}
