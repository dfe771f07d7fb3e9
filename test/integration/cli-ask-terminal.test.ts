import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BURROW_BIN, burrowEnv, INITIALIZE } from '../support/burrow-process.js';
import { waitFor } from '../support/helper-process.js';
import { runOnTerminal, terminalAvailable } from '../support/on-terminal.js';
import { sshdAvailable, startSshd, type SshdFixture } from '../support/sshd.js';
import { ensureTestUser } from '../support/test-user.js';

/**
 * `connect --host … --host-key-policy ask` run by a person at a terminal: the question is asked there,
 * as ssh asks it, and nothing points to `burrow hostkeys approve` (no engine but this one could answer).
 * util-linux `script` gives the helper a real terminal (a pty) while its stdin/stdout stay the MCP pipe.
 */
const user = sshdAvailable() && terminalAvailable ? ensureTestUser() : undefined;
const QUESTION = 'Are you sure you want to continue connecting (yes/no/[fingerprint])? ';
let sshd: SshdFixture;
let fingerprint: string;

beforeAll(async () => {
  if (!user) return;
  sshd = await startSshd();
  chmodSync(sshd.dir, 0o755);
  chmodSync(join(sshd.dir, 'authorized_keys'), 0o644);
  fingerprint = spawnSync('ssh-keygen', ['-lf', `${sshd.hostKeyFile}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1];
});
afterAll(() => sshd?.stop());

interface TerminalHelper {
  /** What the terminal shows (the question). */
  screen: () => string;
  stdout: () => string;
  stderr: () => string;
  type: (text: string) => void;
  exited: Promise<number | null>;
  /** Ends the MCP host's side (stdin), as a host that quits does. */
  hangUp: () => Promise<void>;
  kill: () => void;
}

const running: TerminalHelper[] = [];
afterEach(() => {
  for (const h of running.splice(0)) h.kill();
});

async function startOnTerminal(extra: string[], server: SshdFixture = sshd): Promise<TerminalHelper> {
  const dir = mkdtempSync(join(tmpdir(), 'burrow-cli-tty-'));
  const [input, output, errors] = ['in', 'out', 'err'].map((f) => join(dir, f));
  spawnSync('mkfifo', [input]);
  const args = ['--host', '127.0.0.1', '--port', String(server.port), '--username', user!.name, '--client-key', server.clientKey, '--known-hosts', server.emptyKnownHostsFile, '--no-agent', '--host-key-policy', 'ask', ...extra];
  const command = `exec ${process.execPath} ${BURROW_BIN} connect ${args.join(' ')} <${input} >${output} 2>${errors}`;
  const terminal = runOnTerminal(command, burrowEnv());
  // Opening a FIFO for writing waits for its reader: the helper's shell.
  const stdin: FileHandle = await open(input, 'w');
  await stdin.write(`${INITIALIZE}\n`);
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const helper: TerminalHelper = {
    screen: terminal.screen,
    stdout: () => read(output),
    stderr: () => read(errors),
    type: terminal.type,
    exited: terminal.exited,
    hangUp: () => stdin.close(),
    kill: () => {
      void stdin.close().catch(() => {});
      terminal.kill();
    },
  };
  running.push(helper);
  return helper;
}

describe.skipIf(!user)('connect --host --host-key-policy ask on a terminal', () => {
  it('asks on the terminal as ssh does, names no burrow command, and "yes" connects', async () => {
    const h = await startOnTerminal([]);
    await waitFor(() => h.screen().includes(QUESTION), 20_000, () => `no question on the terminal: ${h.screen()} / ${h.stderr()}`);
    expect(h.screen()).toContain(`The authenticity of host '[127.0.0.1]:${sshd.port}' can't be established.`);
    expect(h.screen()).toContain(`ED25519 key fingerprint is ${fingerprint}.`);
    expect(h.stderr()).not.toMatch(/hostkeys|approve it in Burrow/);
    expect(h.stdout()).toBe('');

    h.type('yes\r');
    await waitFor(() => h.stdout().includes('"serverInfo"'), 20_000, () => `no initialize result: ${h.stdout()} / ${h.stderr()}`);
    expect(JSON.parse(h.stdout().split('\n')[0])).toMatchObject({ id: 1, result: { serverInfo: { name: expect.any(String) } } });
    await h.hangUp();
    expect(await h.exited).toBe(0);
    expect(h.stderr()).not.toMatch(/hostkeys|approve it in Burrow/);
  });

  it('"no" fails as ssh does, and the timeout message names no burrow command either', async () => {
    const logins = sshd.acceptedLogins();
    const refused = await startOnTerminal([]);
    await waitFor(() => refused.screen().includes(QUESTION), 20_000, () => `no question: ${refused.screen()}`);
    refused.type('no\r');
    expect(await refused.exited).toBe(1);
    expect(refused.stderr().trim()).toBe(`burrow: Host key verification failed. The host key ${fingerprint} of [127.0.0.1]:${sshd.port} was rejected.`);

    const unanswered = await startOnTerminal(['--approval-timeout', '1']);
    await waitFor(() => unanswered.screen().includes(QUESTION), 20_000, () => `no question: ${unanswered.screen()}`);
    expect(await unanswered.exited).toBe(1);
    expect(unanswered.stderr().trim()).toBe(`burrow: Host key verification failed. Nobody answered the question about the host key ${fingerprint} of [127.0.0.1]:${sshd.port} within 1s.`);
    expect(sshd.acceptedLogins()).toBe(logins);
  });

  it('a person who answers after sshd’s LoginGraceTime still connects: the handshake is not held open while they decide', async () => {
    const graceful = await startSshd({ extraConfig: ['LoginGraceTime 3'] });
    chmodSync(graceful.dir, 0o755);
    chmodSync(join(graceful.dir, 'authorized_keys'), 0o644);
    try {
      const h = await startOnTerminal([], graceful);
      await waitFor(() => h.screen().includes(QUESTION), 20_000, () => `no question on the terminal: ${h.screen()} / ${h.stderr()}`);
      // Longer than LoginGraceTime: the point of this test is to outlast it.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      h.type('yes\r');
      await waitFor(() => h.stdout().includes('"serverInfo"'), 20_000, () => `no initialize result: ${h.stdout()} / ${h.stderr()}`);
      await h.hangUp();
      expect(await h.exited).toBe(0);
      expect(graceful.log()).not.toMatch(/Timeout before authentication/);
    } finally {
      graceful.stop();
    }
  });
});
