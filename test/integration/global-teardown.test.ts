import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endProcessesOfRun } from '../support/global-setup.js';
import { burrowEnv, connectClient, type ConnectedClient } from '../support/burrow-process.js';
import { isRunning, RUN_DIR_ENV, tempDir } from '../support/run-state.js';
import { startSshd, type SshdFixture } from '../support/sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';

// The net under every other test: what a failed test leaves running, the global teardown ends.
// This test plays a run of its own (its own run folder), leaves things running as a failed test would,
// and calls the teardown's cleanup on that folder.
describe('the global teardown', () => {
  const realRun = process.env[RUN_DIR_ENV];
  let sshd: SshdFixture | undefined;
  let client: ConnectedClient | undefined;
  let decoy: ChildProcess | undefined;
  afterEach(async () => {
    process.env[RUN_DIR_ENV] = realRun;
    await client?.close().catch(() => {});
    sshd?.stop();
    decoy?.kill('SIGKILL');
  });

  it('ends the sshd, its sessions, and a daemon a helper started in the background; spares a recycled pid', async () => {
    const run = tempDir('burrow-fake-run', true);
    process.env[RUN_DIR_ENV] = run;
    sshd = await startSshd();
    const env = burrowEnv();
    await addSshdRemote(env, 'left', sshd);
    // No daemon runs for this home: the helper starts one in the background, and no test learns its pid.
    client = await connectClient(['--remote', 'left'], env);
    const sum = await client.client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    const daemonPid = (JSON.parse(readFileSync(join(env.BURROW_HOME, 'run', 'daemon.json'), 'utf8')) as { pid: number }).pid;
    const sshdPid = Number(readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8'));
    const servers = sshd.remoteProcesses().map((p) => p.pid);
    expect(servers.length).toBeGreaterThan(0);

    // A pid in the record that now belongs to another process (its start time differs): never killed.
    decoy = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    appendFileSync(join(run, 'pids'), `${decoy.pid} 1 recycled\n`);

    const stopped = await endProcessesOfRun(run);
    expect(stopped).toEqual(expect.arrayContaining([`sshd:${sshd.port}(${sshdPid})`, expect.stringMatching(new RegExp(`\\(${daemonPid}\\)$`))]));
    for (const pid of [sshdPid, daemonPid, ...servers]) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    expect(isRunning(decoy.pid!)).toBe(true);
    expect(stopped.join()).not.toContain(`(${decoy.pid})`);
  });
});
