import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../shared/api.js';
import { burrowEnv, connectClient, runBurrow, type ConnectedClient } from '../support/burrow-process.js';
import { answerToolCall } from '../support/cli-approvals.js';
import { startDaemon, type DaemonHandle } from '../support/daemon.js';
import { canRunShellSshd, startShellSshd, type ShellSshd } from '../support/shell-sshd.js';
import { addSshdRemote } from '../support/sshd-remote.js';
import { toolResultJson, toolResultText } from '../support/tool-result-text.js';
import { waitFor } from '../support/wait-for.js';

/** The setting tools.allowAdHocHosts, and `burrow status` showing who uses the built-in tools. */
let sshd: ShellSshd;
let env: Record<string, string>;
let daemon: DaemonHandle;

beforeAll(async () => {
  if (!canRunShellSshd) return;
  sshd = await startShellSshd();
  env = burrowEnv();
  await addSshdRemote(env, 'box', sshd, ['--tools']);
  // An ad-hoc host signs in as ssh would: with the person's default key (HOME is the test's Burrow home).
  mkdirSync(join(env.HOME, '.ssh'), { recursive: true, mode: 0o700 });
  copyFileSync(sshd.clientKey, join(env.HOME, '.ssh', 'id_ed25519'));
  daemon = await startDaemon(env);
});

afterAll(async () => {
  await daemon?.stop();
  sshd?.stop();
});

async function status(): Promise<EngineStatus> {
  const r = await runBurrow(['status', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as EngineStatus;
}

/** Approves the host key that waits for a person with `burrow hostkeys approve` once it shows up. */
async function approveHostKeyWhenAsked(): Promise<void> {
  let fingerprint = '';
  await waitFor(async () => {
    const p = (await status()).pending.find((a) => a.kind === 'host-key');
    fingerprint = p?.kind === 'host-key' ? p.fingerprint : '';
    return fingerprint !== '';
  }, 20_000, () => 'no host-key waited for a person', 200);
  const r = await runBurrow(['hostkeys', 'approve', fingerprint], env);
  expect(r.code, r.stderr).toBe(0);
}

describe.skipIf(!canRunShellSshd)('built-in tools: ad-hoc hosts and status', () => {
  it('burrow status lists the host session using the tools, its remote, and its open shell', async () => {
    const c: ConnectedClient = await connectClient(['--tools'], env);
    try {
      const session = toolResultJson(await c.client.callTool({ name: 'ssh_connect', arguments: { remote: 'box' } })).session_id as string;
      const opening = c.client.callTool({ name: 'ssh_shell_open', arguments: { session_id: session } });
      await answerToolCall(env);
      expect((await opening).isError).toBeFalsy();

      const s = await status();
      expect(s.toolSessions).toHaveLength(1);
      expect(s.toolSessions[0]).toMatchObject({ client: 'burrow-test', sessions: [{ id: session, remote: 'box', shells: 1, forwards: 0 }] });
      const shown = await runBurrow(['status'], env);
      expect(shown.stdout).toMatch(/^TOOLS SESSION\s+CLIENT\s+REMOTES\s+SHELLS\s+FORWARDS\s+SINCE$/m);
      expect(shown.stdout).toMatch(new RegExp(`^${s.toolSessions[0].id}\\s+burrow-test\\s+box\\s+1\\s+0\\s+`, 'm'));
    } finally {
      await c.close();
    }
    // Gone when the host session ends.
    await waitFor(async () => (await status()).toolSessions.length === 0, 10_000, () => 'the tool session stayed in the status', 200);
  });

  it('ssh_connect to a host that is not a saved remote is refused while tools.allowAdHocHosts is off, and asks for its host key when on', async () => {
    const c = await connectClient(['--tools'], env);
    try {
      const target = { host: '127.0.0.1', username: sshd.user, port: sshd.port };
      const refused = await c.client.callTool({ name: 'ssh_connect', arguments: target });
      expect(refused.isError).toBe(true);
      expect(toolResultText(refused)).toContain('"127.0.0.1" is not a saved remote this entry may use; other hosts are refused unless a person turns on tools.allowAdHocHosts');

      // A person turns the setting on; the next call reads it.
      const file = join(env.BURROW_HOME, 'settings.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), tools: { allowAdHocHosts: true } }));
      const connecting = c.client.callTool({ name: 'ssh_connect', arguments: target });
      // Not in Burrow's or the person's known_hosts: the host key waits for a person, as for any remote.
      await approveHostKeyWhenAsked();
      const connected = await connecting;
      expect(connected.isError, toolResultText(connected)).toBeFalsy();
      const { session_id: session, remote } = toolResultJson(connected) as { session_id: string; remote: string };
      expect(remote).toBe(`${sshd.user}@127.0.0.1:${sshd.port}`);

      const running = c.client.callTool({ name: 'ssh_execute', arguments: { session_id: session, command: 'whoami' } });
      await answerToolCall(env);
      expect(toolResultJson(await running).stdout.trim()).toBe(sshd.user);
      // The saved remotes listed to the model stay the saved ones.
      expect(toolResultText(await c.client.callTool({ name: 'ssh_list_remotes', arguments: {} }))).not.toContain('127.0.0.1');
    } finally {
      await c.close();
    }
  });
});
