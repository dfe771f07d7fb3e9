import { afterEach, describe, expect, it } from 'vitest';
import { startM2mServer, type M2mServer } from '../support/m2m-server.js';
import { burrowEnv, connectClient, INITIALIZE, runBurrow } from '../support/burrow-process.js';

let server: M2mServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const m2mArgs = (s: M2mServer) => ['--host', '127.0.0.1', '--port', String(s.port), '--client-key', s.clientKey, '--known-hosts', s.knownHostsFile];

describe('m2m-style server (shell request, NDJSON), with the m2m client flags unchanged', () => {
  it('lists and calls tools over a shell channel', async () => {
    server = await startM2mServer();
    const c = await connectClient(m2mArgs(server), burrowEnv());
    expect((await c.client.listTools()).tools.map((t) => t.name)).toContain('get-sum');
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    expect(server.shellRequests()).toBe(1);
    await c.close();
  });

  it('logs and skips a banner the server prints before the JSON', async () => {
    server = await startM2mServer('banner');
    const c = await connectClient([...m2mArgs(server), '--log-level', 'WARNING'], burrowEnv());
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 20, b: 22 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await c.close();
    expect(c.stderr()).toContain('skipped a line that is not JSON: Welcome to the m2m MCP SSH server');
  });

  it('a server that closes the channel mid-session gives a clear error and exit 1', async () => {
    server = await startM2mServer('close-after-first-reply');
    const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    // Keep stdin open past the close, as a real host would.
    const result = await runBurrow(['connect', ...m2mArgs(server)], burrowEnv(), `${INITIALIZE}\n${ping}\n`, 15_000, true);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/burrow: .*closed the channel/);
  });
});
