import type { Duplex } from 'node:stream';
import type { Client as SshClient } from 'ssh2';
import { BurrowError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { approveThenReconnect } from './approve-then-reconnect.js';

export interface HopAddress {
  host: string;
  port: number;
  user: string;
}

/**
 * Opens one authenticated SSH connection to a hop: over `sock` (a channel of the hop before it) or,
 * for the first hop, over TCP. The caller does the hop's own host-key check and authentication.
 */
export type OpenHop<H extends HopAddress> = (hop: H, sock: Duplex | undefined, index: number) => Promise<SshClient>;

/** A stream to the final target through the hops; `release` once the connection over it is done. */
export interface JumpLease {
  sock: Duplex;
  release(): void;
}

interface PooledHop {
  key: string;
  label: string;
  ready: Promise<SshClient>;
  client?: SshClient;
  users: number;
  closed: boolean;
}

export const describeHop = (hop: HopAddress) => `${hop.user}@${hop.host}:${hop.port}`;

/**
 * A hop's identity for sharing: everything that makes its login differ (address, keys, known_hosts,
 * policy…), so two remotes share a bastion login only when they would make the same one.
 */
export function hopIdentity(hop: object): string {
  return JSON.stringify(hop, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

/**
 * Jump-host connections (OpenSSH's ProxyJump), shared between remotes: a hop's connection is keyed by
 * the chain up to and including it (the same bastion reached another way is another login), counted
 * by the remotes' connections riding it, and closed when the last one is released.
 */
export class JumpHostPool {
  private readonly hops = new Map<string, PooledHop>();

  constructor(private readonly logger: Logger) {}

  /** Opens (or shares) each hop in turn, then a direct-tcpip channel from the last one to the target. */
  async open<H extends HopAddress>(hops: H[], target: { host: string; port: number }, openHop: OpenHop<H>): Promise<JumpLease> {
    if (hops.length === 0) throw new BurrowError('a jump chain needs at least one hop', 'config');
    const held: PooledHop[] = [];
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      void this.releaseChain(held.slice().reverse());
    };
    try {
      let key = '';
      for (let i = 0; i < hops.length; i++) {
        const hop = hops[i];
        key += `>${hopIdentity(hop)}`;
        const label = hops.length > 1 ? `jump host ${i + 1} of ${hops.length} (${describeHop(hop)})` : `jump host ${describeHop(hop)}`;
        const previous = held[i - 1];
        // A hop whose host key waits for a person is closed meanwhile, then reached over a new channel.
        const entry = this.acquire(key, label, () =>
          approveThenReconnect(async () => {
            const sock = previous ? await forward(previous, hop) : undefined;
            return openHop(hop, sock, i);
          }),
        );
        held.push(entry);
        await entry.ready;
      }
      const sock = await forward(held[held.length - 1], target);
      // The target connection ends with its stream: nothing else tells us it is done with the hops.
      sock.once('close', release);
      return { sock, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** How many hop connections are open or opening (for tests and status). */
  size(): number {
    return this.hops.size;
  }

  closeAll(): void {
    for (const entry of this.hops.values()) {
      entry.closed = true;
      entry.client?.end();
    }
    this.hops.clear();
  }

  private acquire(key: string, label: string, open: () => Promise<SshClient>): PooledHop {
    const existing = this.hops.get(key);
    if (existing && !existing.closed) {
      existing.users++;
      return existing;
    }
    const entry: PooledHop = { key, label, users: 1, closed: false, ready: undefined as unknown as Promise<SshClient> };
    entry.ready = open().then(
      (client) => {
        entry.client = client;
        this.logger.info(`${label}: connected`);
        client.on('close', () => {
          entry.closed = true;
          if (this.hops.get(key) === entry) this.hops.delete(key);
          this.logger.info(`${label}: connection closed`);
        });
        if (entry.users === 0) client.end();
        return client;
      },
      (error: unknown) => {
        entry.closed = true;
        if (this.hops.get(key) === entry) this.hops.delete(key);
        throw named(label, error);
      },
    );
    // Waiters each see the failure; this keeps an unobserved rejection from crashing the process.
    entry.ready.catch(() => {});
    this.hops.set(key, entry);
    return entry;
  }

  /**
   * Releases a chain from its last hop back to the first. A hop that closes is given a moment to say
   * goodbye (its SSH disconnect rides the hop before it) before the hop before it is closed too.
   */
  private async releaseChain(entries: PooledHop[]): Promise<void> {
    for (const entry of entries) {
      entry.users--;
      if (entry.users > 0) continue;
      if (this.hops.get(entry.key) === entry) this.hops.delete(entry.key);
      const wasOpen = !entry.closed;
      entry.closed = true;
      // Still opening: the open handler ends it when it arrives.
      const client = entry.client;
      if (!client || !wasOpen) continue;
      const closed = new Promise<void>((done) => {
        const timer = setTimeout(done, 2000);
        client.once('close', () => {
          clearTimeout(timer);
          done();
        });
      });
      client.end();
      await closed;
    }
  }
}

/** A direct-tcpip channel from a hop to the next address, with the hop and the address in any error. */
async function forward(from: PooledHop, to: { host: string; port: number }): Promise<Duplex> {
  const client = await from.ready;
  return new Promise((resolve, reject) => {
    try {
      client.forwardOut('127.0.0.1', 0, to.host, to.port, (error, channel) => {
        if (error) {
          const reason = error.message.replace(/^\(SSH\)\s*/, '');
          reject(new BurrowError(`${from.label} cannot reach ${to.host}:${to.port}: ${reason}`, 'unreachable'));
        } else resolve(channel);
      });
    } catch (error) {
      // ssh2 throws when the connection is already gone.
      reject(new BurrowError(`${from.label}: connection lost before reaching ${to.host}:${to.port} (${(error as Error).message})`, 'connection-lost'));
    }
  });
}

function named(label: string, error: unknown): BurrowError {
  if (error instanceof BurrowError) return new BurrowError(`${label}: ${error.message}`, error.kind);
  return new BurrowError(`${label}: ${(error as Error)?.message ?? String(error)}`, 'connection-lost');
}
