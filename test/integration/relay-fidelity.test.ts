import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { EVERYTHING_COMMAND, type SshdFixture } from '../support/sshd.js';
import { burrowEnv, connectClient, type ConnectedClient } from '../support/burrow-process.js';
import { startDaemonLab, type DaemonLab } from '../support/daemon.js';

let lab: DaemonLab;
let sshd: SshdFixture;
let daemonEnv: Record<string, string>;

beforeAll(async () => {
  // Saved remote over an exec channel (plain OpenSSH; the forced command serves exec and shell alike).
  lab = await startDaemonLab('everything', { remoteArgs: ['--command', EVERYTHING_COMMAND] });
  ({ sshd, env: daemonEnv } = lab);
});
afterAll(() => lab?.stop());

const capabilities = { sampling: {}, roots: { listChanged: true }, elicitation: {} };

const variants: [string, () => Promise<ConnectedClient>][] = [
  ['burrow connect --host (m2m flags, shell channel)', () => connectClient(['--host', '127.0.0.1', '--port', String(sshd.port), '--username', sshd.user, '--client-key', sshd.clientKey, '--known-hosts', sshd.knownHostsFile], burrowEnv(), capabilities)],
  ['burrow connect --remote through the daemon (exec channel)', () => connectClient(['--remote', 'everything'], daemonEnv, capabilities)],
];

describe.each(variants)('%s', (_name, open) => {
  let c: ConnectedClient;
  beforeAll(async () => {
    c = await open();
    c.client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
      role: 'assistant',
      model: 'test-model',
      content: { type: 'text', text: `sampled: ${(request.params.messages[0].content as { text: string }).text.slice(-12)}` },
    }));
    c.client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
    c.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada Lovelace', check: true } }));
  });
  afterAll(async () => c?.close());

  it("passes the host's initialize through: the server sees the client's capabilities and identity", async () => {
    expect(c.client.getServerVersion()?.name).toBe('mcp-servers/everything');
    const tools = (await c.client.listTools()).tools.map((t) => t.name);
    // These tools exist only for clients that declared sampling and roots in initialize.
    expect(tools).toEqual(expect.arrayContaining(['get-sum', 'echo', 'trigger-sampling-request', 'get-roots-list']));
  });

  it('calls tools and returns structured results', async () => {
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    const echo = await c.client.callTool({ name: 'echo', arguments: { message: 'héllo ✓ "quoted"\nnewline' } });
    expect(JSON.stringify(echo.content)).toContain(JSON.stringify('héllo ✓ "quoted"\nnewline').slice(1, -1));
  });

  it('relays prompts, completion, resources and templates', async () => {
    const prompts = (await c.client.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toEqual(expect.arrayContaining(['simple-prompt', 'args-prompt', 'completable-prompt']));
    const prompt = await c.client.getPrompt({ name: 'args-prompt', arguments: { city: 'Lyon' } });
    expect(JSON.stringify(prompt.messages)).toContain('Lyon');
    const completion = await c.client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'En' } });
    expect(completion.completion.values).toContain('Engineering');
    const resources = await c.client.listResources();
    expect(resources.resources.length).toBeGreaterThan(0);
    const read = await c.client.readResource({ uri: resources.resources[0].uri });
    expect(read.contents[0].uri).toBe(resources.resources[0].uri);
    const templates = await c.client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toContain('demo://resource/dynamic/text/{resourceId}');
    await c.client.subscribeResource({ uri: resources.resources[0].uri });
  });

  it("carries the server's own requests: sampling, roots and elicitation round trips", async () => {
    const sampled = await c.client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'ping through ssh', maxTokens: 10 } });
    expect(JSON.stringify(sampled.content)).toContain('sampled:');
    const roots = await c.client.callTool({ name: 'get-roots-list', arguments: {} });
    expect(JSON.stringify(roots.content)).toContain('file:///work/project');
    const elicited = await c.client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(JSON.stringify(elicited.content)).toContain('Ada Lovelace');
  });

  it('relays progress notifications and logging', async () => {
    const progress: Progress[] = [];
    const result = await c.client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(JSON.stringify(result.content)).toContain('Steps: 3');
    // The SDK client drops a progress notification that lands after its response; the relay keeps order.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((p) => p.progress)).toEqual([1, 2, 3].slice(0, progress.length));
    const logs: string[] = [];
    c.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.level);
    });
    await c.client.setLoggingLevel('debug');
  });

  it('relays cancellation: the remote stops and later calls still work', async () => {
    const controller = new AbortController();
    // Cancel once the remote reports its first step: the operation is running over there.
    const call = c.client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 5, steps: 5 } }, undefined, {
      signal: controller.signal,
      onprogress: () => controller.abort('changed my mind'),
    });
    await expect(call).rejects.toThrow(/changed my mind|abort/i);
    const sum = await c.client.callTool({ name: 'get-sum', arguments: { a: 1, b: 1 } });
    expect(JSON.stringify(sum.content)).toContain('2');
  });

  // The SDK's stdio reader stops at 10 MB on both ends; 32 MB lines are tested with raw bytes in relay-edges.
  it('carries an 8 MB message each way', async () => {
    const big = 'x'.repeat(8 * 1024 * 1024);
    const echo = await c.client.callTool({ name: 'echo', arguments: { message: big } }, undefined, { timeout: 60_000 });
    const text = (echo.content as { text: string }[])[0].text;
    expect(text.length).toBeGreaterThanOrEqual(big.length);
    expect(text.endsWith(big.slice(-100))).toBe(true);
  });
});
