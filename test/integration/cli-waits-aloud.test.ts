import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burrowEnv, runBurrow, startBurrow as startBurrowIn } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { tempDir } from '../support/run-state.js';
import { EVERYTHING_COMMAND, keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/** A new user's `burrow tools` / `burrow call` on a remote whose host key nobody approved yet. */
let sshd: SshdFixture;
let env: Record<string, string>;
let daemon: DaemonHandle | undefined;

const PASSPHRASE = 'correct horse battery staple';

beforeAll(async () => {
  const lockedKey = join(tempDir('burrow-locked-key'), 'locked_ed25519');
  const lockedPub = keygen(lockedKey, 'ed25519', PASSPHRASE);
  sshd = await startSshd({ extraAuthorizedKeys: [`command="${EVERYTHING_COMMAND}",no-pty ${lockedPub}`] });
  env = burrowEnv();
  for (const name of ['lab', 'box']) await addSshdRemote(env, name, { ...sshd, knownHostsFile: sshd.emptyKnownHostsFile });
  // Its host key is known already: only the key's passphrase waits.
  await addSshdRemote(env, 'locked', { ...sshd, clientKey: lockedKey }, ['--command', 'mcp']);
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

const startBurrow = (args: string[]) => startBurrowIn(args, env);

const WAITING = /^burrow: waiting for approval of the host key of 127\.0\.0\.1:(\d+) \((\w+)\): (SHA256:\S+); approve it in Burrow or run: burrow hostkeys approve (SHA256:\S+)$/m;

describe('burrow tools and burrow call while a host key waits for a person', () => {
  it('burrow call says what waits and how to answer it, once, then prints the result when it is approved', async () => {
    const call = startBurrow(['call', 'lab', 'get-sum', 'a=2', 'b=40']);
    await waitFor(() => WAITING.test(call.stderr()), 20_000, () => `stderr: ${call.stderr()}`);
    const [, port, remote, fingerprint, inCommand] = WAITING.exec(call.stderr())!;
    expect([Number(port), remote, inCommand]).toEqual([sshd.port, 'lab', fingerprint]);
    // The very command the line names answers it.
    const approve = await runBurrow(['hostkeys', 'approve', fingerprint, '--once'], env);
    expect(approve.code, approve.stderr).toBe(0);
    expect(await call.done, call.stderr()).toBe(0);
    expect(call.stdout().trim()).toBe('The sum of 2 and 40 is 42.');
    expect(call.stderr().match(/waiting for approval/g)).toHaveLength(1);
    // Then how it was answered, right after the waiting line.
    expect(call.stderr().trim().split('\n')).toEqual([expect.stringMatching(WAITING), `burrow: the host key of 127.0.0.1:${sshd.port} (lab) was approved for this connection; going on`]);
  });

  it('burrow tools says it too, says it was rejected, and the rejection ends it with one line', async () => {
    const tools = startBurrow(['tools', 'box']);
    await waitFor(() => WAITING.test(tools.stderr()), 20_000, () => `stderr: ${tools.stderr()}`);
    const [, , remote, fingerprint] = WAITING.exec(tools.stderr())!;
    expect(remote).toBe('box');
    expect((await runBurrow(['hostkeys', 'reject', fingerprint], env)).code).toBe(0);
    expect(await tools.done).toBe(1);
    expect(tools.stdout()).toBe('');
    const lines = tools.stderr().trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`burrow: the host key of 127.0.0.1:${sshd.port} (box) was rejected`);
  });

  it("burrow tools says when the key's passphrase waits, and the secrets command it names lets it go on", async () => {
    const tools = startBurrow(['tools', 'locked']);
    const line = /^burrow: waiting for the passphrase of locked: enter it in Burrow, or run: burrow secrets enter (\S+)$/m;
    await waitFor(() => line.test(tools.stderr()), 20_000, () => `stderr: ${tools.stderr()}`);
    const [, id] = line.exec(tools.stderr())!;
    const enter = await runBurrow(['secrets', 'enter', id], env, `${PASSPHRASE}\n`);
    expect(enter.code, enter.stderr).toBe(0);
    expect(await tools.done, tools.stderr()).toBe(0);
    expect(tools.stderr()).toContain('burrow: the passphrase of locked was entered; going on\n');
    expect(tools.stdout()).toMatch(/^locked: mcp-servers\/everything/m);
  });
});
