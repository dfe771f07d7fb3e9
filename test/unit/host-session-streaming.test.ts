import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TrafficEntry } from '../../shared/api.js';
import { BurrowError } from '../../electron/core/errors.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { HostSession } from '../../electron/core/relay/host-session.js';
import { LONG_LINE_BYTES, StreamLineEnd } from '../../electron/core/relay/line-end.js';

/**
 * HostSession with byte-stream ends on both sides (as the socket, stdio and channel ends are), so lines over
 * LONG_LINE_BYTES are relayed in pieces as they arrive.
 */
function start(options: { maxLineBytes?: number; hostHighWater?: number } = {}) {
  const maxLineBytes = options.maxLineBytes ?? 64 * 1024 * 1024;
  const hostIn = new PassThrough();
  const hostOut = new PassThrough({ highWaterMark: options.hostHighWater });
  const remoteIn = new PassThrough();
  const remoteOut = new PassThrough();
  const hostEnd = Object.assign(new StreamLineEnd(hostIn, hostOut, { maxLineBytes }), { notify: () => {} });
  const channel = Object.assign(new StreamLineEnd(remoteIn, remoteOut, { maxLineBytes, joinWrites: true }), { describeEnd: () => 'ended' });
  const traffic: TrafficEntry[] = [];
  let lost: (error: BurrowError) => void = () => {};
  const tap = Object.assign((entry: TrafficEntry) => traffic.push(entry), { wantsValue: false });
  const session = new HostSession(hostEnd, {
    id: 1,
    remoteLabel: 'lab',
    remoteWhat: 'remote MCP server',
    logger: silentLogger,
    maxLineBytes,
    openUpstream: async () => ({ end: channel, release: () => {}, onConnectionLost: (listener) => (lost = listener) }),
    tap: () => tap,
  });
  session.start();
  const chunks = (stream: PassThrough) => {
    const got: Buffer[] = [];
    stream.on('data', (c: Buffer) => got.push(c));
    return got;
  };
  return { session, hostIn, hostOut, remoteIn, remoteOut, traffic, chunks, loseConnection: (e: BurrowError) => lost(e) };
}

const bytesOf = (got: Buffer[]) => got.reduce((n, c) => n + c.length, 0);

const until = async (test: () => boolean) => {
  for (let i = 0; i < 3000 && !test(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(test()).toBe(true);
};

/** A tools/call as the SDK writes it: id after params. */
function bigRequest(id: string | number, size: number): Buffer {
  return Buffer.from(`{"method":"tools/call","params":{"name":"echo","arguments":{"message":"${'é"\\{'.replace(/["\\]/g, (c) => `\\${c}`).repeat(size / 8)}"}},"jsonrpc":"2.0","id":${JSON.stringify(id)}}\n`);
}

describe('HostSession: long lines are relayed as they arrive', () => {
  it('sends the first bytes of a large request on before its last byte came, unchanged, and knows its id at the end', async () => {
    const s = start();
    const toRemote = s.chunks(s.remoteOut);
    const message = bigRequest('call-1', 1024 * 1024);
    await new Promise((r) => setTimeout(r, 10));
    const half = message.length >> 1;
    s.hostIn.write(message.subarray(0, half));
    // Half a message is on its way before the rest (and the id) exists.
    await until(() => bytesOf(toRemote) >= half);
    expect(bytesOf(toRemote)).toBe(half);
    s.hostIn.write(message.subarray(half));
    await until(() => bytesOf(toRemote) === message.length);
    expect(Buffer.concat(toRemote).equals(message)).toBe(true);
    expect(s.traffic).toEqual([expect.objectContaining({ direction: 'to-remote', kind: 'request', id: 'call-1', method: 'tools/call', bytes: message.length })]);

    // The answer, as large, comes back in pieces too and is matched to the request.
    const toHost = s.chunks(s.hostOut);
    const answer = Buffer.from(`{"result":{"content":[{"type":"text","text":"${'x'.repeat(600_000)}","id":5}]},"jsonrpc":"2.0","id":"call-1"}\n`);
    s.remoteIn.write(answer.subarray(0, LONG_LINE_BYTES + 10));
    await until(() => bytesOf(toHost) >= LONG_LINE_BYTES);
    s.remoteIn.write(answer.subarray(LONG_LINE_BYTES + 10));
    await until(() => bytesOf(toHost) === answer.length);
    expect(Buffer.concat(toHost).equals(answer)).toBe(true);
    expect(s.traffic[1]).toMatchObject({ direction: 'to-host', kind: 'response', id: 'call-1', method: 'tools/call', message: undefined });
    expect(s.traffic[1].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('never puts another message inside a long one: an error Burrow sends meanwhile waits for its end', async () => {
    const s = start({ maxLineBytes: 1000 * 1000 });
    const toHost = s.chunks(s.hostOut);
    await new Promise((r) => setTimeout(r, 10));
    const answer = Buffer.from(`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${'d'.repeat(400_000)}"}}\n`);
    s.remoteIn.write(answer.subarray(0, 300_000));
    await until(() => bytesOf(toHost) >= 300_000);
    // The host sends a request over the limit: Burrow answers it with an error, which must not split the long line.
    s.hostIn.write(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"x":"${'y'.repeat(1_100_000)}"}}\n`);
    await new Promise((r) => setTimeout(r, 30));
    expect(bytesOf(toHost)).toBe(300_000);
    s.remoteIn.write(answer.subarray(300_000));
    await until(() => Buffer.concat(toHost).toString().split('\n').length === 3);
    const [first, second] = Buffer.concat(toHost).toString().split('\n');
    expect(`${first}\n`).toBe(answer.toString());
    expect(JSON.parse(second)).toMatchObject({ id: 9, error: { code: -32000 } });
  });

  it('ends a request that grows over the limit after its start was relayed with a newline, answers its id, and relays the next', async () => {
    const s = start({ maxLineBytes: 500_000 });
    const toRemote = s.chunks(s.remoteOut);
    const toHost = s.chunks(s.hostOut);
    await new Promise((r) => setTimeout(r, 10));
    const message = bigRequest('too-big', 800_000);
    for (let at = 0; at < message.length; at += 64 * 1024) s.hostIn.write(message.subarray(at, at + 64 * 1024));
    const next = Buffer.from('{"jsonrpc":"2.0","id":"next","method":"tools/list"}\n');
    s.hostIn.write(next);
    await until(() => toHost.length === 1);
    const error = JSON.parse(toHost[0].toString());
    expect(error).toMatchObject({ jsonrpc: '2.0', id: 'too-big', error: { code: -32000 } });
    expect(error.error.message).toMatch(/^a message of \d+ bytes from the MCP host is over Burrow's limit of 500000 bytes and only its first \d+ bytes reached lab, ended by a newline$/);
    await until(() => Buffer.concat(toRemote).toString().endsWith(next.toString()));
    const lines = Buffer.concat(toRemote).toString().split('\n');
    // The remote saw the start of the message, cut by a newline (a malformed line), then the next one whole.
    expect(lines).toHaveLength(3);
    expect(message.toString().startsWith(lines[0])).toBe(true);
    expect(Buffer.byteLength(lines[0])).toBeGreaterThanOrEqual(LONG_LINE_BYTES);
    expect(Buffer.byteLength(lines[0])).toBeLessThanOrEqual(500_000);
    expect(`${lines[1]}\n`).toBe(next.toString());
  });

  it('pauses the remote while the host does not read a long answer, and relays it whole once it does', async () => {
    const s = start({ hostHighWater: 64 * 1024 });
    await new Promise((r) => setTimeout(r, 10));
    const body = 'z'.repeat(20 * 1024 * 1024);
    const answer = Buffer.from(`{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${body}"}}\n`);
    let written = 0;
    const pump = () => {
      while (written < answer.length) {
        const piece = answer.subarray(written, written + 64 * 1024);
        written += piece.length;
        if (!s.remoteIn.write(piece)) return;
      }
    };
    s.remoteIn.on('drain', pump);
    pump();
    await new Promise((r) => setTimeout(r, 100));
    // Without backpressure all 20 MB would have been taken.
    expect(written).toBeLessThan(4 * 1024 * 1024);
    const toHost = s.chunks(s.hostOut);
    await until(() => bytesOf(toHost) === answer.length);
    expect(Buffer.concat(toHost).equals(answer)).toBe(true);
  });

  it('ends a long answer cut by a lost connection with a newline, so the error for the open request reaches the host', async () => {
    const s = start();
    const toHost = s.chunks(s.hostOut);
    const toRemote = s.chunks(s.remoteOut);
    await new Promise((r) => setTimeout(r, 10));
    s.hostIn.write('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"big"}}\n');
    await until(() => toRemote.length === 1);
    s.remoteIn.write(`{"result":{"content":[{"type":"text","text":"${'w'.repeat(300_000)}`);
    await until(() => bytesOf(toHost) >= 300_000);
    s.loseConnection(new BurrowError('connection to lab was lost', 'connection-lost'));
    await until(() => Buffer.concat(toHost).toString().split('\n').length === 3);
    const [partial, error] = Buffer.concat(toHost).toString().split('\n');
    expect(partial.startsWith('{"result":{"content":[{"type":"text","text":"www')).toBe(true);
    expect(JSON.parse(error)).toMatchObject({ id: 1, error: { message: 'connection to lab was lost' } });
  });

  it("answers the host's request with an error when the remote's long answer passes the limit after its start was relayed", async () => {
    const s = start({ maxLineBytes: 500_000 });
    const toHost = s.chunks(s.hostOut);
    const toRemote = s.chunks(s.remoteOut);
    await new Promise((r) => setTimeout(r, 10));
    s.hostIn.write('{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"big"}}\n');
    await until(() => toRemote.length === 1);
    const answer = Buffer.from(`{"result":{"contents":[{"text":"${'q'.repeat(800_000)}"}]},"jsonrpc":"2.0","id":4}\n`);
    for (let at = 0; at < answer.length; at += 32 * 1024) s.remoteIn.write(answer.subarray(at, at + 32 * 1024));
    await until(() => Buffer.concat(toHost).toString().split('\n').length === 3);
    const [partial, error] = Buffer.concat(toHost).toString().split('\n');
    expect(answer.toString().startsWith(partial)).toBe(true);
    expect(Buffer.byteLength(partial)).toBeGreaterThanOrEqual(LONG_LINE_BYTES);
    expect(JSON.parse(error)).toMatchObject({ id: 4, error: { code: -32000 } });
    expect(JSON.parse(error).error.message).toMatch(/^a message of \d+ bytes from lab is over Burrow's limit of 500000 bytes and only its first \d+ bytes were relayed, ended by a newline$/);
  });
});
