import { EventEmitter } from 'node:events';
import { PassThrough, type Duplex } from 'node:stream';
import type { Client as SshClient } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { BurrowError } from '../../electron/core/errors.js';
import { JumpHostPool, type HopAddress } from '../../electron/core/ssh/jump-chain.js';
import type { Logger } from '../../electron/core/logging/logger.js';

const logger = { info() {}, warn() {}, debug() {}, error() {}, enabled: () => false } as unknown as Logger;

/** Stands in for an ssh2 Client: records forwards and ends (the real thing is exercised in test/integration/ssh-estate). */
class FakeClient extends EventEmitter {
  forwards: string[] = [];
  ended = false;
  constructor(
    readonly name: string,
    private readonly events: string[],
  ) {
    super();
  }
  forwardOut(_srcIP: string, _srcPort: number, host: string, port: number, cb: (err: Error | undefined, stream: Duplex) => void) {
    this.forwards.push(`${host}:${port}`);
    if (port === 9) return cb(new Error('(SSH) Channel open failure: Connection refused'), undefined as never);
    cb(undefined, new PassThrough());
  }
  end() {
    this.ended = true;
    this.events.push(`end ${this.name}`);
    setImmediate(() => this.emit('close'));
  }
}

const hop = (host: string): HopAddress => ({ host, port: 22, user: 'me' });

function opener() {
  const events: string[] = [];
  const opened: FakeClient[] = [];
  const open = async (h: HopAddress, sock: Duplex | undefined) => {
    events.push(`open ${h.host}${sock ? ' (over a channel)' : ''}`);
    await new Promise((r) => setImmediate(r));
    if (h.host === 'refuses') throw new BurrowError('Host key verification failed.', 'host-key');
    const c = new FakeClient(h.host, events);
    opened.push(c);
    return c as unknown as SshClient;
  };
  return { events, opened, open };
}

describe('jump chain pool', () => {
  it('two remotes opening through the same bastion at once share one connection to it', async () => {
    const pool = new JumpHostPool(logger);
    const { events, opened, open } = opener();
    const [a, b] = await Promise.all([
      pool.open([hop('bastion'), hop('inner')], { host: 'db', port: 5432 }, open),
      pool.open([hop('bastion')], { host: 'web', port: 22 }, open),
    ]);
    expect(events.filter((e) => e.startsWith('open bastion'))).toEqual(['open bastion']);
    expect(events).toContain('open inner (over a channel)');
    const bastion = opened.find((c) => c.name === 'bastion')!;
    expect(bastion.forwards.sort()).toEqual(['inner:22', 'web:22']);
    a.release();
    await new Promise((r) => setTimeout(r, 10));
    // inner is no longer used; the bastion still carries b.
    expect(opened.find((c) => c.name === 'inner')!.ended).toBe(true);
    expect(bastion.ended).toBe(false);
    b.release();
    b.release(); // idempotent
    await new Promise((r) => setTimeout(r, 10));
    expect(bastion.ended).toBe(true);
    expect(pool.size()).toBe(0);
  });

  it('closes a chain last hop first, and names the hop that failed', async () => {
    const pool = new JumpHostPool(logger);
    const { events, open } = opener();
    const lease = await pool.open([hop('outer'), hop('inner')], { host: 't', port: 22 }, open);
    lease.sock.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.startsWith('end'))).toEqual(['end inner', 'end outer']);

    await expect(pool.open([hop('outer'), hop('refuses')], { host: 't', port: 22 }, open)).rejects.toThrow(
      'jump host 2 of 2 (me@refuses:22): Host key verification failed.',
    );
    await expect(pool.open([hop('outer')], { host: 't', port: 9 }, open)).rejects.toThrow('jump host me@outer:22 cannot reach t:9: Channel open failure: Connection refused');
    await new Promise((r) => setTimeout(r, 20));
    // Nothing is kept after a failure: the outer logins made for those attempts were ended too.
    expect(pool.size()).toBe(0);
  });
});
