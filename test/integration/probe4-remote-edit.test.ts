import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Remote } from '../../shared/remote.js';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient, type RunResult } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { tempDir } from '../support/run-state.js';
import { keygen, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/** Probe 2026-12-02: `burrow remote edit` with careless values and racing other edits. */
const env = burrowEnv();
const dir = tempDir('probe4-edit');
const key = join(dir, 'id_ed25519');
const settingsFile = join(env.BURROW_HOME!, 'settings.json');

async function remotes(): Promise<Remote[]> {
  const r = await runBurrow(['remote', 'list', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Remote[];
}

async function add(name: string): Promise<void> {
  const r = await runBurrow(['remote', 'add', name, '--host', '127.0.0.1', '--key', key, '--no-agent'], env);
  expect(r.code, r.stderr).toBe(0);
}

/**
 * An edit held between reading the saved remote and saving it: its --key is a FIFO, which it reads (to check the
 * key) only after reading the remote, and which blocks until `release` writes the real key into it.
 */
async function heldEdit(name: string, flags: string[]): Promise<{ result: Promise<RunResult>; release: () => void }> {
  const fifo = join(dir, `fifo-${Math.random().toString(36).slice(2)}`);
  execFileSync('mkfifo', [fifo]);
  const result = runBurrow(['remote', 'edit', name, '--key', fifo, ...flags], env);
  // Opening the writing end without blocking succeeds only once the edit has opened the FIFO to read it.
  let fd = -1;
  await waitFor(() => {
    try {
      fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      return true;
    } catch {
      return false;
    }
  }, 20_000, () => 'the edit never read its --key');
  return {
    result,
    release: () => {
      writeSync(fd, readFileSync(key));
      closeSync(fd);
    },
  };
}

describe('probe4: remote edit against careless values (no engine: the settings file)', () => {
  beforeAll(async () => {
    keygen(key);
    await add('odd');
  });

  it('refuses each odd value with one line and leaves settings.json byte for byte as it was', async () => {
    const before = readFileSync(settingsFile, 'utf8');
    const cases: [string[], RegExp][] = [
      [['--port', '99999'], /--port must be a port number from 1 to 65535, not "99999"/],
      [['--port=-1'], /--port must be a port number/],
      [['--port', 'abc'], /--port must be a port number/],
      // Number() reads these as 22, 1000 and 22: a slip would be saved as another port.
      [['--port', '0x16'], /--port must be a port number from 1 to 65535, not "0x16"/],
      [['--port', '1e3'], /--port must be a port number from 1 to 65535, not "1e3"/],
      [['--port', '22.0'], /--port must be a port number from 1 to 65535, not "22.0"/],
      [['--host', 'a b'], /--host: host "a b": a host name has no spaces or slashes/],
      [['--host', 'x;rm -rf ~'], /--host: host "x;rm -rf ~": a host name has no spaces or slashes/],
      [['--key', join(dir, 'missing')], /--key: no such file/],
      [['--key', dir], /--key: .* is a folder, not a file/],
      [['--jump', ',,,'], /--jump: jump host "": empty/],
      [['--jump', 'h:99999'], /--jump: .*bad port/],
      [['--tools', '--tool-policy', 'ssh_nope=allow'], /no built-in tool "ssh_nope"/],
      [['--tool-policy', 'ssh_execute=allow'], /--tool-policy and --command-rule need --tools/],
      [['--agent', '--no-agent'], /give --agent or --no-agent, not both/],
      [['--host-key-policy', 'yolo'], /unknown host-key policy/],
    ];
    for (const [flags, message] of cases) {
      const r = await runBurrow(['remote', 'edit', 'odd', ...flags], env);
      expect(r.code, `${flags.join(' ')}: ${r.stdout}`).toBe(1);
      expect(r.stderr.trim().split('\n'), flags.join(' ')).toHaveLength(1);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.stdout, flags.join(' ')).toBe('');
    }
    expect(readFileSync(settingsFile, 'utf8')).toBe(before);
  });
});

describe('probe4: remote edit racing other changes (engine running)', () => {
  let daemon: DaemonHandle | undefined;
  let sshd: SshdFixture | undefined;
  let host: ConnectedClient | undefined;
  beforeAll(async () => {
    daemon = await startDaemon(env);
  });
  afterAll(async () => {
    await host?.close();
    await daemon?.stop();
    sshd?.stop();
  });

  it('an edit while a session of the remote is open: that session goes on as it was, the next one uses the edit', async () => {
    sshd = await startSshd();
    await addSshdRemote(env, 'live', sshd);
    host = await connectClient(['--remote', 'live'], env);
    const echo = async () => JSON.stringify(await host!.client.callTool({ name: 'echo', arguments: { message: 'hi' } }));
    expect(await echo()).toContain('Echo: hi');
    // Port 1 on loopback: nothing listens there.
    const edited = await runBurrow(['remote', 'edit', 'live', '--port', '1'], env);
    expect(edited.code, edited.stderr).toBe(0);
    expect(await echo()).toContain('Echo: hi');
    const next = await runBurrow(['call', 'live', 'echo', 'message=hi'], env, '', 60_000);
    expect(next.code, next.stdout).toBe(1);
    expect(next.stderr.trim().split('\n').pop()).toMatch(/127\.0\.0\.1:1\b/);
  });

  it('an edit that read a remote since removed does not bring it back', async () => {
    await add('gone');
    const held = await heldEdit('gone', ['--port', '2201']);
    const removed = await runBurrow(['remote', 'remove', 'gone'], env);
    expect(removed.code, removed.stderr).toBe(0);
    held.release();
    const r = await held.result;
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr.trim()).toBe('burrow: remote edit: "gone" was removed while this edit ran: nothing was saved');
    expect((await remotes()).map((x) => x.name)).not.toContain('gone');
  });

  it('two edits at once: the one that read an older remote is refused, so neither change is lost silently', async () => {
    await add('both');
    const held = await heldEdit('both', ['--port', '2202']);
    const other = await runBurrow(['remote', 'edit', 'both', '--user', 'someone'], env);
    expect(other.code, other.stderr).toBe(0);
    held.release();
    const r = await held.result;
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr.trim()).toBe('burrow: remote edit: "both" was changed elsewhere while this edit ran: nothing was saved (run it again)');
    const saved = (await remotes()).find((x) => x.name === 'both');
    expect(saved).toMatchObject({ user: 'someone', port: 22 });
    // Run again, it applies on top of the other change.
    const again = await runBurrow(['remote', 'edit', 'both', '--port', '2202'], env);
    expect(again.code, again.stderr).toBe(0);
    expect((await remotes()).find((x) => x.name === 'both')).toMatchObject({ user: 'someone', port: 2202 });
  });
});
