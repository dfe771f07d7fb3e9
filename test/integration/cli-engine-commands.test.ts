import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow } from '../support/burrow-process.js';
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

  it('burrow daemon stop stops the engine', async () => {
    const exited = new Promise((r) => daemon!.child.once('exit', r));
    const stop = await runBurrow(['daemon', 'stop'], env);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toContain('stopped');
    await exited;
    expect((await runBurrow(['status'], env)).code).toBe(3);
  });
});
