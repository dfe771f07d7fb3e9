import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, connectClient, runBurrow } from '../support/burrow-process.js';
import { waitFor } from '../support/wait-for.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';

/** `burrow status`, `burrow tools`, `burrow call` and `burrow daemon stop`: the window's powers from a terminal, through the command table. */
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;

beforeAll(async () => {
  sshd = await startSshd();
  env = burrowEnv();
  await addSshdRemote(env, 'lab', sshd);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe('the CLI through the command table', () => {
  it('burrow status says when no engine runs (exit 3)', async () => {
    const r = await runBurrow(['status'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/no Burrow engine is running/);
    expect(JSON.parse((await runBurrow(['status', '--json'], env)).stdout)).toEqual({ running: false });
  });

  it('burrow tools lists a remote live, burrow call prints a result, and status shows the engine and its remote', async () => {
    daemon = await startDaemon(env);
    const tools = await runBurrow(['tools', 'lab'], env);
    expect(tools.code, tools.stderr).toBe(0);
    expect(tools.stdout).toMatch(/^lab: mcp-servers\/everything/m);
    expect(tools.stdout).toMatch(/^ {2}get-sum — /m);
    expect(tools.stdout).toMatch(/^ {6}a: number/m);
    expect(tools.stdout).toMatch(/^PROMPTS \(\d+\)/m);
    const json = JSON.parse((await runBurrow(['tools', 'lab', '--json'], env)).stdout);
    expect(json.tools.find((t: { name: string }) => t.name === 'get-sum').inputSchema.properties.a.type).toBe('number');

    const call = await runBurrow(['call', 'lab', 'get-sum', 'a=2', 'b=40'], env);
    expect(call.code, call.stderr).toBe(0);
    expect(call.stdout.trim()).toBe('The sum of 2 and 40 is 42.');
    const viaJson = await runBurrow(['call', 'lab', 'echo', '--json', '{"message":"hi there"}'], env);
    expect(viaJson.stdout.trim()).toBe('Echo: hi there');
    // The object alone after TOOL, as people paste it.
    const pasted = await runBurrow(['call', 'lab', 'get-sum', '{"a": 2, "b": 40}'], env);
    expect(pasted.stdout.trim(), pasted.stderr).toBe('The sum of 2 and 40 is 42.');
    const broken = await runBurrow(['call', 'lab', 'get-sum', '{"a": 2, b: 40}'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^burrow: call: the arguments are not valid JSON: .+\n$/);
    const mixed = await runBurrow(['call', 'lab', 'echo', '{"message":"a=b"}', 'n=1'], env);
    expect({ code: mixed.code, stderr: mixed.stderr }).toEqual({ code: 1, stderr: 'burrow: call: give one JSON object or KEY=VALUE arguments, not both\n' });
    const raw = await runBurrow(['call', 'lab', 'get-sum', 'a=1', 'b=1', '--raw'], env);
    expect(JSON.parse(raw.stdout).content[0].text).toContain('2');
    // A result with isError: exit 1, the error on stderr.
    const bad = await runBurrow(['call', 'lab', 'get-sum', 'a="x"', 'b=1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^burrow: get-sum on lab reported an error: /);

    const status = await runBurrow(['status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^Burrow \\S+: burrow daemon, pid ${daemon.child.pid}, up `, 'm'));
    expect(status.stdout).toMatch(/^lab\s+(connected|idle)\s+\d+/m);
    const asJson = JSON.parse((await runBurrow(['status', '--json'], env)).stdout);
    expect(asJson).toMatchObject({ running: true, kind: 'daemon', pid: daemon.child.pid });
    expect(asJson.remotes.map((r: { name: string }) => r.name)).toEqual(['lab']);
  });

  it('burrow daemon stop lets an open session finish, and says "stopped" only once the engine has exited', async () => {
    const host = await connectClient(['--remote', 'lab'], env);
    let daemonExited = false;
    const exited = new Promise((r) => daemon!.child.once('exit', r)).then(() => (daemonExited = true));
    let stopDone = false;
    const stopping = runBurrow(['daemon', 'stop'], env, '', 60_000).then((r) => ((stopDone = true), r));
    // New sessions go nowhere (the socket is free) while the open one still works.
    await waitFor(async () => (await runBurrow(['status'], env)).code === 3, 10_000, () => 'the socket to be released');
    const sum = await host.client.callTool({ name: 'get-sum', arguments: { a: 20, b: 22 } });
    expect((sum.content as { text: string }[])[0].text).toContain('42');
    expect(stopDone).toBe(false);
    await host.close();
    const stop = await stopping;
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout, stop.stdout).toContain('waiting for 1 open session to finish');
    expect(stop.stdout.trim().endsWith('stopped')).toBe(true);
    await exited;
    expect(daemonExited).toBe(true);
  });
});
