import type { Client as SshClient } from 'ssh2';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { canRunShellSshd, startShellSshd, type ShellSshd } from './shell-sshd.js';
import { startToolHarness, type ToolHarness } from './tool-harness.js';

export interface ToolsOnShellSshd {
  /** The file's shell sshd, started in beforeAll (not where canRunShellSshd is false). */
  readonly sshd: ShellSshd;
  /** One ssh2 connection to it, that every harness of the file borrows as its lease. */
  readonly ssh: SshClient;
  /** The built-in tools server on that connection, closed after the test that started it (if the test did not). */
  harness(opts?: Parameters<typeof startToolHarness>[1]): Promise<ToolHarness>;
}

/** What every built-in tools test file sets up: a shell sshd, a connection to it, and a fresh harness per test. */
export function toolsOnShellSshd(): ToolsOnShellSshd {
  let sshd: ShellSshd | undefined;
  let ssh: SshClient | undefined;
  const open: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    if (!canRunShellSshd) return;
    sshd = await startShellSshd();
    ssh = await sshd.connect();
  });
  afterAll(() => {
    ssh?.end();
    sshd?.stop();
  });
  afterEach(async () => {
    for (const close of open.splice(0)) await close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the shell sshd is not started (outside a test, or canRunShellSshd is false)');
    return value;
  };
  return {
    get sshd() {
      return started(sshd);
    },
    get ssh() {
      return started(ssh);
    },
    async harness(opts) {
      const harness = await startToolHarness(started(ssh), opts);
      // A test may close its harness itself (to see what closing ends): close each once.
      let closed: Promise<void> | undefined;
      const close = () => (closed ??= harness.close());
      open.push(close);
      return { ...harness, close };
    },
  };
}
