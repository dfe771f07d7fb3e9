import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BurrowError } from '../../electron/core/errors.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import { HostSession, type Upstream } from '../../electron/core/relay/host-session.js';
import { createEndPair, type InProcessEnd } from '../../electron/core/relay/ends/in-process-ends.js';
import { StreamLineEnd, type ControlNotice, type HostEnd } from '../../electron/core/relay/line-end.js';

/** HostSession between in-memory ends: the host on one pair, a scripted remote on another. */
const line = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`);
const text = (chunk: Uint8Array) => Buffer.from(chunk).toString('utf8');

interface Harness {
  session: HostSession;
  /** What the MCP host sees (its side of the pair). */
  host: InProcessEnd;
  /** The remote MCP server (its side of the pair). */
  remote: InProcessEnd;
  fromRemote: string[];
  fromEngine: string[];
  notices: ControlNotice[];
  closed: Promise<{ clean: boolean; error?: string }>;
  loseConnection: (error: BurrowError) => void;
}

function start(options: { maxLineBytes?: number; hostEnd?: HostEnd } = {}): Harness {
  const [hostSide, hostPeer] = createEndPair();
  const [upstreamEnd, remote] = createEndPair();
  const notices: ControlNotice[] = [];
  hostPeer.onNotice = (n) => notices.push(n);
  const fromRemote: string[] = [];
  const fromEngine: string[] = [];
  hostPeer.onLine = (l) => fromEngine.push(text(l));
  remote.onLine = (l) => fromRemote.push(text(l));
  let lost: (error: BurrowError) => void = () => {};
  const upstream: Upstream = {
    end: Object.assign(upstreamEnd, { describeEnd: (r: string, what: string) => `${what} on ${r} ended` }),
    release: () => {},
    onConnectionLost: (listener) => {
      lost = listener;
    },
  };
  let resolveClosed!: (outcome: { clean: boolean; error?: string }) => void;
  const closed = new Promise<{ clean: boolean; error?: string }>((r) => (resolveClosed = r));
  const session = new HostSession(options.hostEnd ?? hostSide, {
    id: 1,
    remoteLabel: 'lab',
    remoteWhat: 'remote MCP server',
    logger: silentLogger,
    maxLineBytes: options.maxLineBytes ?? 1024 * 1024,
    openUpstream: async () => upstream,
    onClosed: (_s, outcome) => resolveClosed(outcome),
  });
  hostPeer.start();
  remote.start();
  session.start();
  return { session, host: hostPeer, remote, fromRemote, fromEngine, notices, closed, loseConnection: (e) => lost(e) };
}

const until = async (test: () => boolean) => {
  for (let i = 0; i < 2000 && !test(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(test()).toBe(true);
};

describe('HostSession over in-memory ends', () => {
  it('relays bytes both ways unchanged, and a clean close is reported clean with exit 0', async () => {
    const h = start();
    const request = '{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"x":"é ✓"}}\n';
    h.host.send(Buffer.from(request));
    await until(() => h.fromRemote.length === 1);
    expect(h.fromRemote[0]).toBe(request);
    h.remote.send(line({ jsonrpc: '2.0', id: 7, result: { tools: [] } }));
    await until(() => h.fromEngine.length === 1);
    h.host.end();
    h.remote.end();
    expect(await h.closed).toEqual({ clean: true, error: undefined });
    expect(h.notices).toEqual([{ type: 'exit', code: 0 }]);
  });

  it('does not buffer without bound for a host that stops reading: the remote is paused', async () => {
    const h = start();
    h.host.pause();
    const chunk = line({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'x'.repeat(4000) } });
    const cap = 20_000; // 80 MB, if nothing held the remote back
    let sent = 0;
    // The remote writes as a stream would: until told to wait, then again on drain.
    const pump = () => {
      while (sent < cap && h.remote.send(chunk)) sent++;
    };
    h.remote.onDrain = pump;
    pump();
    await new Promise((r) => setTimeout(r, 100));
    expect(sent).toBeLessThan(1000);
    // What waits for the host stays near one high-water mark.
    expect(h.host.buffered).toBeLessThan(4 * 1024 * 1024);
    h.host.resume();
    await until(() => h.fromEngine.length >= cap);
    expect(sent).toBe(cap);
  });

  it('answers a request over the size limit with a JSON-RPC error for its id, and sends nothing upstream', async () => {
    const source = new PassThrough();
    const sink = new PassThrough();
    const hostEnd = Object.assign(new StreamLineEnd(source, sink, { maxLineBytes: 1000 }), { notify: () => {} });
    const h = start({ maxLineBytes: 1000, hostEnd });
    const replies: string[] = [];
    sink.on('data', (c: Buffer) => replies.push(c.toString()));
    source.write(line({ jsonrpc: '2.0', id: 'big-1', method: 'tools/call', params: { name: 'echo', arguments: { message: 'y'.repeat(5000) } } }));
    await until(() => replies.length === 1);
    const reply = JSON.parse(replies[0]);
    expect(reply.id).toBe('big-1');
    expect(reply.error.message).toMatch(/over Burrow's limit of 1000 bytes/);
    expect(h.fromRemote).toEqual([]);
  });

  it("answers the host's request when the remote's reply is over the limit", async () => {
    const [upstreamSide, remote] = createEndPair();
    void upstreamSide;
    // The remote side as a stream, so the splitter's limit applies to what it sends.
    const fromRemote = new PassThrough();
    const toRemote = new PassThrough();
    const channel = Object.assign(new StreamLineEnd(fromRemote, toRemote, { maxLineBytes: 1000 }), { describeEnd: () => 'ended' });
    const [hostSide, hostPeer] = createEndPair();
    const got: string[] = [];
    hostPeer.onLine = (l) => got.push(text(l));
    hostPeer.start();
    const session = new HostSession(hostSide, {
      id: 2,
      remoteLabel: 'lab',
      remoteWhat: 'remote MCP server',
      logger: silentLogger,
      maxLineBytes: 1000,
      openUpstream: async () => ({ end: channel, release: () => {}, onConnectionLost: () => {} }),
    });
    session.start();
    remote.start();
    hostPeer.send(line({ jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'x' } }));
    await new Promise((r) => setTimeout(r, 10));
    fromRemote.write(line({ jsonrpc: '2.0', id: 3, result: { contents: [{ text: 'z'.repeat(5000) }] } }));
    await until(() => got.length === 1);
    expect(JSON.parse(got[0])).toMatchObject({ id: 3, error: { code: -32000 } });
    expect(JSON.parse(got[0]).error.message).toMatch(/from lab is over Burrow's limit/);
  });

  it('ends with the error for every open request when the connection is lost', async () => {
    const h = start();
    h.host.send(line({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} }));
    await until(() => h.fromRemote.length === 1);
    h.loseConnection(new BurrowError('connection to lab was lost', 'connection-lost'));
    const outcome = await h.closed;
    expect(outcome).toEqual({ clean: false, error: 'connection to lab was lost' });
    expect(JSON.parse(h.fromEngine[0])).toMatchObject({ id: 1, error: { message: 'connection to lab was lost' } });
    expect(h.notices).toEqual([{ type: 'error', message: 'connection to lab was lost' }, { type: 'exit', code: 1 }]);
  });

  it('tells the remote to cancel what a vanished host asked, then ends', async () => {
    const h = start();
    h.host.send(line({ jsonrpc: '2.0', id: 'slow', method: 'tools/call', params: { name: 'sleep' } }));
    await until(() => h.fromRemote.length === 1);
    h.session.hostVanished();
    await until(() => h.fromRemote.length === 2);
    expect(JSON.parse(h.fromRemote[1])).toEqual({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow', reason: 'the MCP host went away' } });
    expect((await h.closed).clean).toBe(true);
  });
});
