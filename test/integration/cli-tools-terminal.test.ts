import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, runBurrow } from '../support/burrow-process.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { runOnTerminal, terminalAvailable, type TerminalRun } from '../support/on-terminal.js';
import { tempDir } from '../support/run-state.js';
import { EVERYTHING_COMMAND, keygen, sshdAvailable, startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { waitFor } from '../support/wait-for.js';

/**
 * `burrow tools` / `burrow call` typed by a person at a terminal, on a remote whose host key (or key passphrase)
 * nobody answered yet: they are asked there, as ssh asks, rather than sent to another terminal to run `burrow
 * hostkeys approve`. util-linux `script` gives the command a real terminal.
 */
const canRun = sshdAvailable() && terminalAvailable;
const QUESTION = 'Are you sure you want to continue connecting (yes/no/[fingerprint])? ';
const env = burrowEnv();
let sshd: SshdFixture;
let daemon: DaemonHandle | undefined;
let fingerprint: string;

const running: TerminalRun[] = [];

/** `burrow ARGS` on a terminal of its own. */
function onTerminal(args: string[]): TerminalRun {
  const run = runOnTerminal(`exec ${process.execPath} ${BURROW_BIN} ${args.join(' ')}`, env);
  running.push(run);
  return run;
}

/** Fingerprints of the host keys waiting for a person. */
async function pendingFingerprints(): Promise<string[]> {
  const pending = JSON.parse((await runBurrow(['hostkeys', 'list', '--json'], env)).stdout).pending as { fingerprint: string }[];
  return pending.map((p) => p.fingerprint);
}

async function question(run: TerminalRun, text: string): Promise<void> {
  await waitFor(() => run.screen().includes(text), 30_000, () => `not asked "${text}": ${run.screen()}`);
}

beforeAll(async () => {
  if (!canRun) return;
  sshd = await startSshd();
  fingerprint = spawnSync('ssh-keygen', ['-lf', `${sshd.hostKeyFile}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
  daemon = await startDaemon(env);
  // Nothing known about the server yet: its key waits for a person (the default policy, ask).
  await addSshdRemote(env, 'lab', { ...sshd, knownHostsFile: sshd.emptyKnownHostsFile });
});
afterEach(() => {
  for (const run of running.splice(0)) run.kill();
});
afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

describe.skipIf(!canRun)('burrow tools and call at a terminal', () => {
  it('asks about an unknown host key as ssh does; "no" refuses it and the command fails', async () => {
    const run = onTerminal(['tools', 'lab']);
    await question(run, QUESTION);
    expect(run.screen()).toContain(`The authenticity of host '[127.0.0.1]:${sshd.port}' for lab can't be established.`);
    expect(run.screen()).toContain(`ED25519 key fingerprint is ${fingerprint}.`);
    expect(run.screen()).not.toMatch(/burrow hostkeys approve/);
    run.type('no\r');
    expect(await run.exited).toBe(1);
    expect(run.screen()).toContain(`burrow: the host key of 127.0.0.1:${sshd.port} (lab) was rejected`);
  });

  it('"yes" trusts the key and remembers it, as ssh adds it to known_hosts', async () => {
    const run = onTerminal(['tools', 'lab']);
    await question(run, QUESTION);
    run.type('yes\r');
    expect(await run.exited).toBe(0);
    expect(run.screen()).toContain(`burrow: the host key of 127.0.0.1:${sshd.port} (lab) was approved; going on`);
    expect(run.screen()).toMatch(/^ {2}echo — /m);
    const listed = await runBurrow(['hostkeys', 'list'], env);
    expect(listed.stdout).toContain(fingerprint);
    // Known now: the next command asks nothing.
    const again = onTerminal(['call', 'lab', 'echo', 'message=again']);
    expect(await again.exited).toBe(0);
    expect(again.screen()).toContain('Echo: again');
    expect(again.screen()).not.toContain(QUESTION);
  });

  it('asks for a key passphrase unechoed; a question answered elsewhere meanwhile is taken back, and the next one asked', async () => {
    const dir = tempDir('cli-tools-terminal');
    const locked = join(dir, 'id_locked');
    const server = await startSshd({ extraAuthorizedKeys: [keygen(locked, 'ed25519', 'open sesame')] });
    try {
      await addSshdRemote(env, 'locked', { ...server, clientKey: locked, knownHostsFile: server.emptyKnownHostsFile }, ['--command', EVERYTHING_COMMAND]);
      const first = onTerminal(['call', 'locked', 'echo', 'message=unlocked']);
      await question(first, `Enter the passphrase of key ${locked}`);
      // Nobody types here: the passphrase is entered elsewhere (the window, or another terminal).
      const [waiting] = JSON.parse((await runBurrow(['secrets', 'list', '--json'], env)).stdout) as { id: string }[];
      const entered = await runBurrow(['secrets', 'enter', waiting.id], env, 'open sesame\n');
      expect(entered.code, entered.stderr).toBe(0);
      await question(first, QUESTION);
      expect(first.screen()).toContain('the passphrase of locked was entered; going on');
      first.type('yes\r');
      expect(await first.exited, first.screen()).toBe(0);
      expect(first.screen()).toContain('Echo: unlocked');

      // Typed at this terminal, it is not echoed. (The daemon forgets the passphrase when the connection closes.)
      await runBurrow(['daemon', 'stop'], env);
      daemon = await startDaemon(env);
      const second = onTerminal(['call', 'locked', 'echo', 'message=again']);
      await question(second, `Enter the passphrase of key ${locked}`);
      second.type('open sesame\r');
      expect(await second.exited, second.screen()).toBe(0);
      expect(second.screen()).toContain('Echo: again');
      expect(second.screen()).not.toContain('open sesame');
    } finally {
      server.stop();
    }
  });

  it('"yes" answers the question asked: the same key waiting for another host:port still waits', async () => {
    // A second server with the first one's host key (a cloned VM, say), its key unknown too.
    const dir = tempDir('cli-tools-twin');
    for (const f of ['host_ed25519', 'host_ed25519.pub']) copyFileSync(join(sshd.dir, f), join(dir, f));
    chmodSync(join(dir, 'host_ed25519'), 0o600);
    const twin = await startSshd({ dir });
    try {
      await addSshdRemote(env, 'twin', { ...twin, knownHostsFile: twin.emptyKnownHostsFile });
      // Nothing known about lab either any more: both wait with the same fingerprint.
      await runBurrow(['hostkeys', 'forget', `127.0.0.1:${sshd.port}`], env);
      const elsewhere = runBurrow(['tools', 'twin'], env);
      await waitFor(async () => (await pendingFingerprints()).length === 1, 20_000, () => 'the twin\'s key never waited');
      const run = onTerminal(['tools', 'lab']);
      await question(run, QUESTION);
      expect(await pendingFingerprints()).toEqual([fingerprint, fingerprint]);
      run.type('yes\r');
      expect(await run.exited, run.screen()).toBe(0);
      expect(await pendingFingerprints()).toEqual([fingerprint]);
      const [left] = JSON.parse((await runBurrow(['hostkeys', 'list', '--json'], env)).stdout).pending as { port: number }[];
      expect(left.port).toBe(twin.port);
      await runBurrow(['hostkeys', 'reject', fingerprint], env);
      expect((await elsewhere).code).toBe(1);
    } finally {
      twin.stop();
    }
  });
});
