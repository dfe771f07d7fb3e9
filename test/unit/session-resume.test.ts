import { describe, expect, it } from 'vitest';
import { BurrowError } from '../../electron/core/errors.js';
import { silentLogger } from '../../electron/core/logging/logger.js';
import type { Catalog } from '../../electron/core/relay/catalog-cache.js';
import { HostSession, type Upstream } from '../../electron/core/relay/host-session.js';
import { createEndPair, type InProcessEnd } from '../../electron/core/relay/ends/in-process-ends.js';
import type { ControlNotice } from '../../electron/core/relay/line-end.js';
import type { TrafficEntry } from '../../shared/api.js';

/**
 * HostSession resuming on a fresh server, between in-memory ends: each upstream is a small scripted MCP server,
 * so the test sees exactly what the fresh server is sent and what reaches the host.
 */
const text = (chunk: Uint8Array) => Buffer.from(chunk).toString('utf8');
const INIT = '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"roots":{"listChanged":true}},"clientInfo":{"name":"host","version":"1"}}}\n';
const INITIALIZED = '{"jsonrpc":"2.0","method":"notifications/initialized"}\n';

interface FakeServer {
  /** Every line it received, as bytes arrived. */
  received: string[];
  /** Its connection drops (the pool's `onConnectionLost`). */
  lose(): void;
  /** The server process exits with code 1 (its channel reports the exit, then ends). */
  crash(): void;
}

interface ServerScript {
  protocolVersion?: string;
  tools?: string[];
}

function fakeServer(script: ServerScript, remote: InProcessEnd, lost: () => (error: BurrowError) => void, upstreamEnd: InProcessEnd & { exit?: unknown }): FakeServer {
  const received: string[] = [];
  const reply = (id: unknown, result: unknown) => remote.send(Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id, result })}\n`));
  remote.onLine = (l) => {
    const raw = text(l);
    received.push(raw);
    const m = JSON.parse(raw) as { id?: unknown; method?: string; params?: { message?: string } };
    if (m.id === undefined || !m.method) return;
    if (m.method === 'initialize') {
      reply(m.id, { protocolVersion: script.protocolVersion ?? '2025-06-18', capabilities: { tools: { listChanged: true }, resources: { subscribe: true }, logging: {} }, serverInfo: { name: 'fake', version: '1' } });
    } else if (m.method === 'tools/list') {
      reply(m.id, { tools: (script.tools ?? ['echo']).map((name) => ({ name, inputSchema: { type: 'object' } })) });
    } else if (m.method === 'tools/call') {
      // A call named "hang" is never answered: it is in flight when the connection drops.
      if (raw.includes('"hang"')) return;
      reply(m.id, { content: [{ type: 'text', text: 'ok' }] });
    } else reply(m.id, {});
  };
  remote.start();
  return {
    received,
    lose: () => lost()(new BurrowError('connection to lab was lost', 'connection-lost')),
    crash: () => {
      upstreamEnd.exit = { code: 1 };
      remote.end();
    },
  };
}

function start(scripts: ServerScript[], options: { catalog?: Catalog } = {}) {
  const [hostSide, host] = createEndPair();
  const fromEngine: string[] = [];
  host.onLine = (l) => fromEngine.push(text(l));
  const notices: ControlNotice[] = [];
  host.onNotice = (n) => notices.push(n);
  const servers: FakeServer[] = [];
  const traffic: TrafficEntry[] = [];
  const waiting: boolean[] = [];
  const saved: Catalog[] = [];
  let attempt = 0;
  let down = false;
  const session = new HostSession(hostSide, {
    id: 1,
    remoteLabel: 'lab',
    remoteWhat: 'remote MCP server',
    logger: silentLogger,
    maxLineBytes: 1024 * 1024,
    tap: () => Object.assign((entry: TrafficEntry) => traffic.push(entry), { wantsValue: true }),
    openUpstream: async () => {
      if (down || attempt >= scripts.length) throw new BurrowError('connection refused by 127.0.0.1:22', 'connection-refused');
      const [upstreamEnd, remote] = createEndPair();
      let listener: (error: BurrowError) => void = () => {};
      servers.push(fakeServer(scripts[attempt++], remote, () => listener, upstreamEnd));
      const upstream: Upstream = {
        end: Object.assign(upstreamEnd, { describeEnd: (r: string, what: string) => `${what} on ${r} exited with code 1` }),
        release: () => {},
        onConnectionLost: (l) => {
          listener = l;
        },
      };
      return upstream;
    },
    resume: {
      waitMs: () => 5000,
      retryDelaysMs: [5],
      onWaiting: (w) => waiting.push(w),
      catalog: { load: () => options.catalog, save: (c) => saved.push(c) },
    },
  });
  host.start();
  session.start();
  return {
    session,
    host,
    fromEngine,
    notices,
    servers,
    traffic,
    waiting,
    saved,
    setDown: (value: boolean) => (down = value),
    send: (line: string) => host.send(Buffer.from(line)),
    answer: (id: number) => fromEngine.map((l) => JSON.parse(l) as { id?: number; method?: string; result?: unknown; error?: { message: string } }).find((m) => m.id === id),
  };
}

const until = async (test: () => boolean, what = 'condition') => {
  for (let i = 0; i < 3000 && !test(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(test(), what).toBe(true);
};

async function initialized(h: ReturnType<typeof start>) {
  h.send(INIT);
  await until(() => !!h.answer(0), 'initialize answered');
  h.send(INITIALIZED);
  h.send('{"jsonrpc":"2.0","id":1,"method":"tools/list"}\n');
  h.send('{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"demo://a"}}\n');
  h.send('{"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"debug"}}\n');
  await until(() => !!h.answer(3), 'setup answered');
}

describe('a session resumes on a fresh server', () => {
  it('replays the host\'s initialize byte for byte, swallows its answer, restores subscriptions, level and roots, and announces a changed tool list', async () => {
    const h = start([{ tools: ['echo'] }, { tools: ['echo', 'added'] }]);
    await initialized(h);
    h.send('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"hang"}}\n');
    await until(() => h.servers[0].received.some((l) => l.includes('"hang"')));

    h.servers[0].lose();
    await until(() => !!h.answer(4), 'the call in flight is answered');
    expect(h.answer(4)!.error!.message).toMatch(/connection to lab was lost; the session is being restored: retry/);
    h.send('{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo"}}\n');
    await until(() => !!h.answer(5), 'the call after the drop is answered');
    expect(h.answer(5)!.result).toEqual({ content: [{ type: 'text', text: 'ok' }] });

    const fresh = h.servers[1].received;
    expect(fresh[0]).toBe(INIT);
    expect(fresh[1]).toBe(INITIALIZED);
    const methods = fresh.map((l) => (JSON.parse(l) as { method?: string }).method);
    expect(methods).toEqual(expect.arrayContaining(['resources/subscribe', 'logging/setLevel', 'notifications/roots/list_changed', 'tools/list', 'tools/call']));
    expect(fresh.find((l) => l.includes('resources/subscribe'))).toContain('demo://a');
    expect(fresh.find((l) => l.includes('logging/setLevel'))).toContain('debug');
    // The host got one initialize answer, and hears the list changed.
    expect(h.fromEngine.filter((l) => l.includes('"serverInfo"'))).toHaveLength(1);
    await until(() => h.fromEngine.some((l) => l.includes('notifications/tools/list_changed')), 'list_changed');
    expect(h.waiting).toEqual([true, false]);
    expect(h.traffic.filter((t) => t.kind === 'resume').map((t) => t.method)).toEqual(['burrow/waiting', 'burrow/resumed']);
    // The catalog kept is the fresh server's.
    await until(() => JSON.stringify(h.saved.at(-1)?.lists['tools/list']).includes('added'), 'catalog saved');
  });

  it('the same tool list on the fresh server announces nothing', async () => {
    const h = start([{}, {}]);
    await initialized(h);
    h.servers[0].lose();
    h.send('{"jsonrpc":"2.0","id":5,"method":"ping"}\n');
    await until(() => !!h.answer(5));
    await until(() => h.servers[1].received.some((l) => l.includes('"tools/list"')));
    await new Promise((r) => setTimeout(r, 20));
    expect(h.fromEngine.some((l) => l.includes('list_changed'))).toBe(false);
  });

  it('a fresh server with another protocol version ends the session with a clear error', async () => {
    const h = start([{}, { protocolVersion: '2099-01-01' }]);
    await initialized(h);
    h.servers[0].lose();
    h.send('{"jsonrpc":"2.0","id":5,"method":"ping"}\n');
    await until(() => !!h.answer(5));
    expect(h.answer(5)!.error!.message).toMatch(/lab cannot resume this session: its server now speaks MCP protocol 2099-01-01, not 2025-06-18/);
  });

  it('a server that keeps ending right after each restart ends the session instead of looping', async () => {
    const h = start([{}, {}, {}, {}]);
    await initialized(h);
    h.servers[0].crash();
    await until(() => h.servers.length === 2 && h.servers[1].received.some((l) => l.includes('"tools/list"')), 'first resume');
    h.servers[1].crash();
    await until(() => h.servers.length === 3 && h.servers[2].received.some((l) => l.includes('"tools/list"')), 'second resume');
    h.servers[2].crash();
    await until(() => h.notices.some((n) => n.type === 'exit'));
    expect(h.notices.find((n) => n.type === 'error')).toEqual({ type: 'error', message: 'remote MCP server on lab exited with code 1 (it ended right after each of 2 restarts; not restarting it again)' });
    expect(h.servers).toHaveLength(3);
  });

  it('a connection that drops right after each resume is not a crashing server: the session keeps resuming', async () => {
    const h = start([{}, {}, {}, {}]);
    await initialized(h);
    for (let i = 0; i < 3; i++) {
      h.servers[i].lose();
      await until(() => h.servers.length === i + 2 && h.servers[i + 1].received.some((l) => l.includes('"tools/list"')), `resume ${i + 1}`);
    }
    h.send('{"jsonrpc":"2.0","id":9,"method":"ping"}\n');
    await until(() => !!h.answer(9));
    expect(h.answer(9)!.error).toBeUndefined();
    expect(h.notices.some((n) => n.type === 'exit')).toBe(false);
  });

  it('a request sent while the remote stays away fails after the wait, and the host ending then ends the session', async () => {
    const h = start([{}]);
    await initialized(h);
    h.setDown(true);
    h.servers[0].lose();
    h.send('{"jsonrpc":"2.0","id":6,"method":"ping"}\n');
    expect(h.session.waitingFor()).toMatch(/lost|refused/);
    h.host.end();
    await until(() => !!h.answer(6));
    expect(h.answer(6)!.error!.message).toMatch(/lab is unreachable .*not sent/);
  });

  it('a host that starts while the remote is down is answered from the catalog of the same protocol version', async () => {
    const catalog: Catalog = {
      protocolVersion: '2025-06-18',
      initialize: { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'cached', version: '1' } },
      lists: { 'tools/list': { tools: [{ name: 'echo', inputSchema: { type: 'object' } }] } },
    };
    const h = start([], { catalog });
    h.send(INIT);
    await until(() => !!h.answer(0));
    expect(h.answer(0)!.result).toEqual(catalog.initialize);
    h.send('{"jsonrpc":"2.0","id":1,"method":"tools/list"}\n');
    h.send('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"}}\n');
    h.send('{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"x"}}\n');
    await until(() => !!h.answer(3));
    expect(h.answer(1)!.result).toEqual(catalog.lists['tools/list']);
    expect(h.answer(2)!.result).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringMatching(/^lab is unreachable; retrying/) }] });
    expect(h.answer(3)!.error!.message).toMatch(/^lab is unreachable; retrying/);
    expect(h.session.waitingFor()).toMatch(/refused/);
  });

  it('a subscription refused while the host was answered from the catalog is not made on the server once it is back', async () => {
    const catalog: Catalog = {
      protocolVersion: '2025-06-18',
      initialize: { protocolVersion: '2025-06-18', capabilities: { resources: { subscribe: true }, logging: {} }, serverInfo: { name: 'cached', version: '1' } },
      lists: {},
    };
    const scripts: ServerScript[] = [];
    const h = start(scripts, { catalog });
    h.send(INIT);
    await until(() => !!h.answer(0));
    h.send(INITIALIZED);
    h.send('{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"demo://a"}}\n');
    await until(() => !!h.answer(1));
    expect(h.answer(1)!.error!.message).toMatch(/^lab is unreachable; retrying/);
    // The remote comes back: the fresh server is set up as the host was told, so without that subscription.
    scripts.push({});
    await until(() => h.servers.length === 1 && h.servers[0].received.some((l) => l.includes('notifications/initialized')), 'the fresh server set up');
    h.send('{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
    await until(() => !!h.answer(2), 'ping through the fresh server');
    expect(h.servers[0].received.filter((l) => l.includes('resources/subscribe'))).toEqual([]);
  });

  it('a catalog of another protocol version is not used: the session ends with the connection error', async () => {
    const catalog: Catalog = { protocolVersion: '2024-11-05', initialize: { protocolVersion: '2024-11-05' }, lists: {} };
    const h = start([], { catalog });
    h.send(INIT);
    await until(() => !!h.answer(0));
    expect(h.answer(0)!.error!.message).toMatch(/connection refused/);
  });
});
