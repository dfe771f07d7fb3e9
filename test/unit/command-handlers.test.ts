import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestStep } from '../../shared/api.js';
import type { RemoteInput } from '../../shared/remote.js';
import { EVERYTHING_COMMAND, freePort, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { inProcessApis } from '../support/in-process-api.js';
import { startKeyServer } from '../support/key-server.js';

/** The command table's implementation against a real sshd and a real MCP server, called through the table as the web bridge does. */
let forced: SshdFixture;
let open: SshdFixture;
const makeApi = inProcessApis();

beforeAll(async () => {
  [forced, open] = await Promise.all([startSshd(), startSshd({ forcedCommand: null })]);
});
afterAll(() => {
  forced?.stop();
  open?.stop();
});

function remote(sshd: SshdFixture, extra: Partial<RemoteInput> = {}): RemoteInput {
  return {
    name: 'lab',
    host: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.clientKey],
    useAgent: false,
    knownHostsPath: sshd.knownHostsFile,
    mode: 'exec',
    command: EVERYTHING_COMMAND,
    ...extra,
  };
}

const summary = (steps: TestStep[]) => steps.map((s) => `${s.step}:${s.ok ? 'ok' : 'failed'}`);

describe('testRemote: each step, and where it failed', () => {
  it('passes all four steps against a working remote', async () => {
    const { api } = makeApi();
    const steps = await api.testRemote(remote(forced));
    expect(summary(steps)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'mcp-initialize:ok']);
    expect(steps[3].detail).toMatch(/everything/);
    expect(forced.acceptedLogins()).toBeGreaterThan(0);
  });

  it('stops at TCP when nothing listens', async () => {
    const { api } = makeApi();
    const steps = await api.testRemote(remote(forced, { port: await freePort() }));
    expect(summary(steps)).toEqual(['tcp:failed']);
    expect(steps[0].detail).toMatch(/connection refused/);
  });

  it('stops at the host key when it is not known and the policy is strict', async () => {
    const { api } = makeApi();
    const steps = await api.testRemote(remote(forced, { knownHostsPath: forced.emptyKnownHostsFile, hostKeyPolicy: 'strict' }));
    expect(summary(steps)).toEqual(['tcp:ok', 'host-key:failed']);
    expect(steps[1].detail).toMatch(/Host key verification failed/);
  });

  it('stops at authentication when the server does not take the key', async () => {
    const { api } = makeApi();
    const stranger = join(mkdtempSync(join(tmpdir(), 'burrow-key-')), 'stranger');
    keygen(stranger);
    const steps = await api.testRemote(remote(forced, { identityFiles: [stranger] }));
    expect(summary(steps)).toEqual(['tcp:ok', 'host-key:ok', 'auth:failed']);
    expect(steps[2].detail).toMatch(new RegExp(`authentication failed for ${forced.user}@127\\.0\\.0\\.1`));
  });

  it('stops at MCP initialize when the command does not exist, with the exit code', async () => {
    const { api } = makeApi();
    const steps = await api.testRemote(remote(open, { command: 'no-such-mcp-server-burrow' }));
    expect(summary(steps)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'mcp-initialize:failed']);
    expect(steps[3].detail).toMatch(/not found|127/);
  });

  it('a remote with no MCP server of its own (built-in tools only) is tested for what the tools do: a command runs', async () => {
    const { api } = makeApi();
    const toolsOnly = { mode: 'none', command: undefined, tools: { enabled: true } } as const;
    const steps = await api.testRemote(remote(open, toolsOnly));
    expect(summary(steps)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'exec:ok']);
    expect(steps[3].detail).toBe('a command ran (exec channel)');
    // Where the server forces a command for the key (an MCP server here), the tools could not run theirs.
    const blocked = await api.testRemote(remote(forced, toolsOnly));
    expect(summary(blocked)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'exec:failed']);
    expect(blocked[3].detail).toMatch(/^"echo burrow-connection-test" did not run as asked: it printed .*: the server runs a forced command for this login \(ForceCommand, or command= on the key\)$/);
  });

  it('waits on the approval queue for an unknown key, and goes on when it is approved', async () => {
    const { api, events } = makeApi();
    const testing = api.testRemote(remote(forced, { knownHostsPath: forced.emptyKnownHostsFile }));
    await expect.poll(() => events.find((e) => e.type === 'approval-added')).toBeTruthy();
    const [pending] = await api.pendingApprovals();
    expect(pending.kind === 'host-key' && pending.fingerprint).toMatch(/^SHA256:/);
    expect(await api.answerApproval(pending.id, 'approve-once')).toBe(1);
    expect(summary(await testing)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'mcp-initialize:ok']);
    expect(events.some((e) => e.type === 'approval-removed' && e.outcome === 'approve-once')).toBe(true);
    await expect(api.answerApproval(pending.id, 'approve')).rejects.toThrow(/no longer waiting/);
  });
});

describe('testRemote with the m2m key server', () => {
  it('fetches and pins the server key, registers a new client key, and passes every step', async () => {
    const ks = await startKeyServer(forced);
    try {
      const { api } = makeApi();
      const clientKey = join(mkdtempSync(join(tmpdir(), 'burrow-ks-')), 'client_ed25519');
      const steps = await api.testRemote(
        remote(forced, { identityFiles: [clientKey], knownHostsPath: forced.emptyKnownHostsFile, hostKeyPolicy: 'strict', keyServer: { enabled: true, port: ks.port } }),
      );
      expect(summary(steps)).toEqual(['tcp:ok', 'host-key:ok', 'auth:ok', 'mcp-initialize:ok']);
      expect(ks.requests).toEqual(['GET /server_pub_key', 'POST /register']);
      expect(ks.registered.at(-1)).toContain(readFileSync(`${clientKey}.pub`, 'utf8').trim().split(/\s+/)[1]);
    } finally {
      await ks.close();
    }
  });
});

describe('remotes, inspector and events', () => {
  it('saves a remote, lists its tools, calls get-sum, and streams its state and traffic', async () => {
    const { api, events } = makeApi();
    await api.saveRemote(remote(forced), false);
    await expect(api.saveRemote(remote(forced), false)).rejects.toThrow(/exists already/);
    expect((await api.listRemotes()).map((r) => r.name)).toEqual(['lab']);
    expect(await api.remoteStatuses()).toEqual([{ name: 'lab', state: 'disconnected', sessions: 0 }]);

    const catalog = await api.catalog('lab');
    expect(catalog.serverName).toMatch(/everything/);
    expect(catalog.tools.map((t) => t.name)).toContain('get-sum');
    expect(catalog.prompts.length).toBeGreaterThan(0);
    expect(catalog.resources.length).toBeGreaterThan(0);

    // server-everything announces its tool list after initialize: the UI is told to read it again.
    await expect.poll(() => events.some((e) => e.type === 'catalog-changed' && e.remote === 'lab')).toBe(true);

    const sum = await api.callTool('lab', 'get-sum', { a: 2, b: 40 });
    expect(sum.isError).toBe(false);
    expect(JSON.stringify(sum.raw)).toContain('42');

    const traffic = events.flatMap((e) => (e.type === 'traffic' ? [e.entry] : []));
    expect(traffic.some((t) => t.method === 'tools/call' && t.direction === 'to-remote')).toBe(true);
    const reply = traffic.find((t) => t.method === 'tools/call' && t.direction === 'to-host');
    expect(reply?.latencyMs).toBeGreaterThanOrEqual(0);
    const states = await api.remoteStatuses();
    // Connected for the inspector's own session, which is no MCP app's: the remote's count leaves it out.
    expect(states[0]).toMatchObject({ name: 'lab', state: 'connected', sessions: 0 });
    expect((await api.engineStatus()).sessions).toMatchObject([{ remote: 'lab', client: 'burrow-inspector', inspector: {} }]);
    // Each use moves the session's idle end, and the UIs hear it.
    const ends = () => events.flatMap((e) => (e.type === 'inspector-session' && e.remote === 'lab' && e.closesAt ? [Date.parse(e.closesAt)] : []));
    const endsBefore = ends().length;
    expect(endsBefore).toBeGreaterThan(0);
    await api.callTool('lab', 'get-sum', { a: 1, b: 1 });
    expect(ends().length).toBeGreaterThan(endsBefore);
    expect(ends().at(-1)).toBeGreaterThan(Date.now() + 60_000);
    expect(events.some((e) => e.type === 'remote-state' && e.status.state === 'connected')).toBe(true);

    expect(await api.removeRemote('lab')).toBe(true);
    // Its removal closes the inspector session: told without an end.
    expect(events.filter((e) => e.type === 'inspector-session').at(-1)).toEqual({ type: 'inspector-session', remote: 'lab' });
    await expect(api.catalog('lab')).rejects.toThrow(/no remote named "lab"/);
  });

  it('says why the inspector cannot open a remote, in one line', async () => {
    const { api } = makeApi();
    await api.saveRemote(remote(forced, { name: 'gone', port: await freePort() }), false);
    await expect(api.catalog('gone')).rejects.toThrow(/^cannot open gone: connection refused by 127\.0\.0\.1:\d+/);
  });

  it('plans and writes a host config through the host-config module', async () => {
    const { api } = makeApi();
    await api.saveRemote(remote(forced), false);
    const plan = await api.planInstall('claude-desktop', 'lab');
    expect(plan.changed).toBe(true);
    expect(plan.after).toContain('"--remote"');
    const applied = await api.install('claude-desktop', 'lab');
    const hosts = await api.mcpHosts();
    expect(hosts.find((h) => h.id === 'claude-desktop')?.installed).toEqual(['lab']);
    expect(applied.path).toBe(plan.path);
  });
});
