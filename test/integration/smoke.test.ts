import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { burrowEnv, connectClient } from '../support/burrow-process.js';

let sshd: SshdFixture;
beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(() => sshd?.stop());

describe('smoke', () => {
  it('lists and calls tools through burrow connect --host (shell channel)', async () => {
    const env = burrowEnv();
    const c = await connectClient(['--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--client-key', sshd.clientKey, '--known-hosts', sshd.knownHostsFile], env);
    const tools = await c.client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('get-sum');
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await c.close();
    console.log(c.stderr());
  });
});
